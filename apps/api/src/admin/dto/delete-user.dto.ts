import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Equals, IsIn, IsOptional, IsUUID } from 'class-validator';

const blankToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/**
 * `DELETE /api/v1/admin/users/:id`: what happens to the meetings the person organises. Needed
 * (one of the two) only when they organise any; both at once is refused.
 */
export class DeleteUserDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The organizer who takes over every meeting the person organises' })
  @IsOptional()
  @IsUUID('all', { message: 'meetingsTo must be a user id' })
  meetingsTo?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'Cancel the meetings the person organises: the invitees of those not over yet get the cancellation mail (METHOD:CANCEL) on behalf of the product, those meetings stay without organizer until retention deletes them; meetings already over are deleted with their invitations',
  })
  @IsOptional()
  @Equals(true, { message: 'cancelMeetings must be true (or left out)' })
  cancelMeetings?: true;
}

export const MEETING_CHOICES = ['handover', 'cancel'] as const;

/** The confirmation page's form (Administration → user → Delete). */
export class DeleteUserFormDto {
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(MEETING_CHOICES, { message: 'choose what happens to their meetings' })
  meetings?: (typeof MEETING_CHOICES)[number];

  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID('all', { message: 'choose an organizer' })
  meetingsTo?: string;
}
