import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import { ISO_DATE_TIME_WITH_OFFSET, IsTimeZone, plainText, singleLine } from '@moderato/core';
import { MeetingFeaturesDto } from './meeting-features.dto';

/** Names and titles: one line without control characters (they end up in mail headers, .ics, tokens). */
const oneLine = ({ value }: { value: unknown }) => (typeof value === 'string' ? singleLine(value).trim() : value);
const text = ({ value }: { value: unknown }) => (typeof value === 'string' ? plainText(value) : value);

export class InviteeDto {
  @ApiProperty({ example: 'sam@school.test' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ example: 'Sam Student' })
  @IsOptional()
  @Transform(oneLine)
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ enum: ['participant', 'moderator'], default: 'participant' })
  @IsOptional()
  @IsIn(['participant', 'moderator'], { message: 'role must be participant or moderator' })
  role: 'participant' | 'moderator' = 'participant';
}

export class MeetingOptionsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() lobby?: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() requireLogin?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() guestAccess?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() startMuted?: boolean;
  @ApiPropertyOptional({ default: 15, nullable: true, description: 'Minutes before each occurrence a reminder is mailed; null: none' })
  @IsOptional()
  @IsInt({ message: 'reminderMinutes must be a whole number of minutes, or null for no reminders' })
  @Min(1)
  @Max(1440)
  reminderMinutes?: number | null;
  @ApiPropertyOptional({
    nullable: true,
    description: "End each date for everyone at its scheduled end plus the policy's grace (End meeting); null: as the organisation policy says",
  })
  @IsOptional()
  @IsBoolean({ message: 'autoEnd must be true, false or null (as the organisation policy says)' })
  autoEnd?: boolean | null;
}

export class CreateMeetingDto {
  @ApiProperty({ example: 'Maths 7b' })
  @Transform(oneLine)
  @IsString()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(200, { message: 'title must be at most 200 characters' })
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(text)
  @IsString()
  @MaxLength(5000, { message: 'description must be at most 5000 characters' })
  description?: string;

  @ApiPropertyOptional({ description: 'Default: the first enabled server the organizer may use' })
  @IsOptional()
  @IsUUID('all', { message: 'serverId must be the id of a Jitsi server' })
  serverId?: string;

  @ApiProperty({ example: '2026-12-01T08:00:00+01:00', description: 'ISO 8601 with offset' })
  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: 'startsAt must be an ISO 8601 date-time with offset, e.g. 2026-12-01T08:00:00+01:00' })
  startsAt: string;

  @ApiProperty({ example: '2026-12-01T08:45:00+01:00', description: 'ISO 8601 with offset; after startsAt' })
  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: 'endsAt must be an ISO 8601 date-time with offset, e.g. 2026-12-01T08:45:00+01:00' })
  endsAt: string;

  @ApiProperty({ example: 'Europe/Berlin' })
  @IsTimeZone()
  timezone: string;

  @ApiPropertyOptional({ default: 15, minimum: 0, maximum: 240 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(240)
  joinWindowMinutesBefore?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 240 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(240)
  joinWindowMinutesAfter?: number;

  @ApiPropertyOptional({
    example: 'FREQ=WEEKLY;BYDAY=MO;COUNT=10',
    description: 'RFC 5545 RRULE: DAILY, WEEKLY or MONTHLY (at most once a day), ending by COUNT or UNTIL, at most 500 dates',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  recurrence?: string;

  @ApiPropertyOptional({ type: MeetingOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MeetingOptionsDto)
  options?: MeetingOptionsDto;

  @ApiPropertyOptional({
    type: MeetingFeaturesDto,
    description: 'What the participants may do where it differs from the organisation\'s defaults, e.g. {"screen-sharing": false}',
  })
  @IsOptional()
  @IsObject({ message: 'features must be an object such as {"screen-sharing": false}' })
  @ValidateNested()
  @Type(() => MeetingFeaturesDto)
  features?: MeetingFeaturesDto;

  @ApiPropertyOptional({ type: [InviteeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @IsObject({ each: true, message: 'each invitee must be an object such as {"email": "sam@school.test"}' })
  @ValidateNested({ each: true })
  @Type(() => InviteeDto)
  invitees?: InviteeDto[];
}

export class UpdateMeetingDto extends PartialType(OmitType(CreateMeetingDto, ['invitees', 'serverId'] as const)) {
  @ApiPropertyOptional({ description: 'The version you edited (optimistic locking); or send it as If-Match' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'version must be the meeting version you edited' })
  @Min(1)
  version?: number;
}

export class AddInviteesDto {
  @ApiProperty({ type: [InviteeDto] })
  @IsArray()
  @ArrayMaxSize(2000)
  @IsObject({ each: true, message: 'each invitee must be an object such as {"email": "sam@school.test"}' })
  @ValidateNested({ each: true })
  @Type(() => InviteeDto)
  invitees: InviteeDto[];
}

/**
 * An invitation change names a role, or the status revoked (or both): `role` is checked with
 * `status`, and a change naming neither is refused on `role`.
 */
function IsRoleOrRevoke() {
  const roles = ['participant', 'moderator'];
  const given = (value: unknown) => value !== undefined && value !== null;
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isRoleOrRevoke',
      target: target.constructor,
      propertyName,
      options: { message: ({ value }) => (given(value) ? 'role must be participant or moderator' : 'give a role or status') },
      validator: {
        validate: (role: unknown, args) => (given(role) ? roles.includes(role as string) : given((args?.object as { status?: unknown }).status)),
      },
    });
}

export class ChangeInvitationDto {
  @ApiPropertyOptional({ enum: ['participant', 'moderator'] })
  @IsRoleOrRevoke()
  role?: 'participant' | 'moderator';

  @ApiPropertyOptional({ enum: ['revoked'], description: 'revoked: the link stops working at once' })
  @IsOptional()
  @IsIn(['revoked'], { message: 'status can only be set to revoked' })
  status?: 'revoked';
}

export class ResendInvitationDto {
  @ApiPropertyOptional({ default: false, description: 'Send a new link; the old one stops working' })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === 'on')
  @IsBoolean()
  newLink?: boolean;
}

export class ChangeOccurrenceDto {
  @ApiPropertyOptional({ description: 'true: cancel only this occurrence' })
  @IsOptional()
  @IsBoolean()
  cancelled?: boolean;

  @ApiPropertyOptional({ description: 'Move this occurrence: new start (ISO 8601 with offset)' })
  @IsOptional()
  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: 'startsAt must be an ISO 8601 date-time with offset' })
  startsAt?: string;

  @ApiPropertyOptional({ description: 'Move this occurrence: new end (ISO 8601 with offset)' })
  @IsOptional()
  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: 'endsAt must be an ISO 8601 date-time with offset' })
  endsAt?: string;

  @ApiPropertyOptional({ description: 'The meeting version you edited (or If-Match)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}
