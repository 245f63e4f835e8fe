import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { INTEROP_OUTCOMES } from '../interop/interop-plan';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const choose = (what: string, values: readonly string[]) => ({ message: `${what}: choose what happened (${values.join(', ')})` });

/** What the admin saw for each of the four links of a "Test this server" run. */
export class RecordInteropResultDto {
  @ApiProperty({ enum: INTEROP_OUTCOMES.organizer, description: 'Organizer link: moderator is what must happen' })
  @IsIn(INTEROP_OUTCOMES.organizer, choose('organizer', INTEROP_OUTCOMES.organizer))
  organizer: (typeof INTEROP_OUTCOMES.organizer)[number];

  @ApiProperty({ enum: INTEROP_OUTCOMES.participant, description: 'Participant link: member (no moderator rights) is what must happen' })
  @IsIn(INTEROP_OUTCOMES.participant, choose('participant', INTEROP_OUTCOMES.participant))
  participant: (typeof INTEROP_OUTCOMES.participant)[number];

  @ApiProperty({ enum: INTEROP_OUTCOMES.noToken, description: 'No-token link: refused is what must happen' })
  @IsIn(INTEROP_OUTCOMES.noToken, choose('noToken', INTEROP_OUTCOMES.noToken))
  noToken: (typeof INTEROP_OUTCOMES.noToken)[number];

  @ApiProperty({ enum: INTEROP_OUTCOMES.wrongRoom, description: 'Wrong-room link: refused is what must happen' })
  @IsIn(INTEROP_OUTCOMES.wrongRoom, choose('wrongRoom', INTEROP_OUTCOMES.wrongRoom))
  wrongRoom: (typeof INTEROP_OUTCOMES.wrongRoom)[number];

  @ApiPropertyOptional({ description: 'Anything worth keeping, e.g. what was changed on the Jitsi side' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000, { message: 'note must be at most 1000 characters' })
  note?: string;
}
