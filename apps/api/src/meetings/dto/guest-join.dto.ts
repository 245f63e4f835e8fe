import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** A guest's name, when the meeting lets guests in without signing in. */
export class GuestJoinDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(2, { message: 'displayName must be at least 2 characters' })
  @MaxLength(80, { message: 'displayName must be at most 80 characters' })
  displayName: string;
}
