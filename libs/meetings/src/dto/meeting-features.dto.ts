import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

const yesNo = { message: ({ property }: { property: string }) => `${property} must be true, false or null` };
const described = (what: string) =>
  ApiPropertyOptional({ type: Boolean, nullable: true, description: `${what}. true: allowed, false: not allowed, null: the organisation's default` });

/**
 * What the participants (invitees who are not co-moderators, and guests) of one meeting may do,
 * where it differs from the organisation's defaults. Taking a feature away is always possible;
 * allowing one only where the policy lets organizers allow it. On an update, features left out keep
 * their setting and null returns one to the default.
 */
export class MeetingFeaturesDto {
  @described('Share their screen')
  @IsOptional()
  @IsBoolean(yesNo)
  'screen-sharing'?: boolean | null;

  @described('Start a recording')
  @IsOptional()
  @IsBoolean(yesNo)
  recording?: boolean | null;

  @described('Start a live stream')
  @IsOptional()
  @IsBoolean(yesNo)
  livestreaming?: boolean | null;

  @described('Start subtitles/transcription')
  @IsOptional()
  @IsBoolean(yesNo)
  transcription?: boolean | null;

  @described('Call out to a phone number')
  @IsOptional()
  @IsBoolean(yesNo)
  'outbound-call'?: boolean | null;

  @described('Share files')
  @IsOptional()
  @IsBoolean(yesNo)
  'file-upload'?: boolean | null;
}
