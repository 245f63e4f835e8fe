import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsTimeZone, ianaTimeZone } from '@moderato/core';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ParticipantFeaturesDto } from './participant-features.dto';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === 'on' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const toList = ({ value }: { value: unknown }) => (value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value]);
/** A zone name in its canonical spelling (europe/berlin → Europe/Berlin); anything else is left for the validator to refuse. */
const zone = ({ value }: { value: unknown }) => (typeof value === 'string' ? (ianaTimeZone(value.trim()) ?? value.trim()) : value);
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * The organisation policy as the settings page and `PUT /api/v1/admin/policy` take it. Every field
 * is optional: what is left out keeps its current value.
 */
export class UpdatePolicyDto {
  @ApiPropertyOptional({ type: [String], description: 'Servers organizers may choose; empty = every enabled server' })
  @IsOptional()
  @Transform(toList)
  @IsUUID('all', { each: true, message: 'each server must be a server id' })
  organizerServerIds?: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: 240, description: 'Default minutes the room opens before a meeting starts' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(0)
  @Max(240)
  joinWindowBeforeMinutes?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 240, description: 'Default minutes the room stays open after a meeting ends' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(0)
  @Max(240)
  joinWindowAfterMinutes?: number;

  @ApiPropertyOptional({ minimum: 15, maximum: 1440, description: 'Longest meeting an organizer may schedule, in minutes' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(15)
  @Max(1440)
  maxMeetingMinutes?: number;

  @ApiPropertyOptional({ description: 'Whether organizers may open a meeting to guests without an account' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  guestAccessAllowed?: boolean;

  @ApiPropertyOptional({ minimum: 5, maximum: 1440, description: 'Upper bound of a Jitsi token lifetime, in minutes' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(5)
  @Max(1440)
  tokenMaxTtlMinutes?: number;

  @ApiPropertyOptional({ minimum: 5, maximum: 10080, description: 'A session ends after this many minutes without a request' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(5)
  @Max(10080)
  sessionIdleMinutes?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 720, description: 'A session ends this many hours after login' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of hours' })
  @Min(1)
  @Max(720)
  sessionMaxHours?: number;

  @ApiPropertyOptional({ enum: ['en', 'de'] })
  @IsOptional()
  @IsIn(['en', 'de'], { message: 'must be en or de' })
  defaultLocale?: 'en' | 'de';

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'Time zone (IANA name) times are shown in to people whose own zone is not known' })
  @IsOptional()
  @Transform(zone)
  @IsTimeZone({ message: 'defaultTimezone must be an IANA time zone such as Europe/Berlin' })
  defaultTimezone?: string;

  @ApiPropertyOptional({ maxLength: 60 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(60)
  productName?: string;

  @ApiPropertyOptional({ description: 'https URL of a logo shown in the page header and mails; empty = none' })
  @IsOptional()
  @Transform(trimmed)
  @ValidateIf((_o, value) => value !== '')
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { message: 'must be an https:// URL' })
  @MaxLength(500)
  logoUrl?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Who people contact for help (email, phone, or a short text)' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(200)
  supportContact?: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'Text at the end of every mail' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(1000)
  mailFooter?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: 'Days after a session ended (signed out, revoked or expired) until it is deleted with its ID token, IP and user agent',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1)
  @Max(3650)
  retentionSessionDays?: number;

  @ApiPropertyOptional({ minimum: 30, maximum: 3650, description: 'Days an audit event is kept' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of days' })
  @Min(30)
  @Max(3650)
  retentionAuditDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: "Days after a meeting's (or series') last date until its invitations are deleted" })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1)
  @Max(3650)
  retentionInvitationDays?: number;

  @ApiPropertyOptional({ type: ParticipantFeaturesDto, description: 'What participants may do in the room per role (context.features in their tokens)' })
  @IsOptional()
  @IsObject({ message: 'participantFeatures must be an object' })
  @ValidateNested()
  @Type(() => ParticipantFeaturesDto)
  participantFeatures?: ParticipantFeaturesDto;

  @ApiPropertyOptional({ description: "End each meeting's date for everyone at its scheduled end plus the grace (RS256 servers with End meeting set up)" })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  autoEndMeetings?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 240, description: 'Minutes after the scheduled end before the automatic end' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(0)
  @Max(240)
  autoEndGraceMinutes?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'Days presence from Jitsi (attendance) is kept' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1)
  @Max(3650)
  retentionAttendanceDays?: number;
}
