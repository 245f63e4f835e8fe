import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPageNumber, MAX_PAGE } from '@moderato/core';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === 'on' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

export const OVERRIDE_CHOICES = ['idp', 'grant', 'block'] as const;
export const ROLE_FILTERS = ['admin', 'organizer', 'participant', 'disabled'] as const;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsPageNumber()
  page?: number;
}

export class UsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of a name or email' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ROLE_FILTERS })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(ROLE_FILTERS, { message: `role must be one of ${ROLE_FILTERS.join(', ')}` })
  role?: (typeof ROLE_FILTERS)[number];
}

/** A change to a user: role overrides (`idp` = as the identity provider says) and the disabled flag. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: OVERRIDE_CHOICES })
  @IsOptional()
  @IsIn(OVERRIDE_CHOICES, { message: `organizer must be one of ${OVERRIDE_CHOICES.join(', ')}` })
  organizer?: (typeof OVERRIDE_CHOICES)[number];

  @ApiPropertyOptional({ enum: OVERRIDE_CHOICES })
  @IsOptional()
  @IsIn(OVERRIDE_CHOICES, { message: `admin must be one of ${OVERRIDE_CHOICES.join(', ')}` })
  admin?: (typeof OVERRIDE_CHOICES)[number];

  @ApiPropertyOptional({ description: 'A disabled user cannot sign in; their sessions end at once' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;
}

/** Roles for an email address, applied at once or at that person's first login. */
export class RoleGrantDto {
  @ApiProperty({ example: 'anna@school.org' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ enum: ['grant', 'block'] })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(['grant', 'block'], { message: 'organizer must be grant or block' })
  organizer?: 'grant' | 'block';

  @ApiPropertyOptional({ enum: ['grant', 'block'] })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(['grant', 'block'], { message: 'admin must be grant or block' })
  admin?: 'grant' | 'block';
}

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: "The actor's email (or part of it), or their user id" })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(320)
  actor?: string;

  @ApiPropertyOptional({ description: 'An action (token.issued) or a family ending in a dot (token.)' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'From this day or instant (ISO 8601, e.g. 2026-12-01)' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsISO8601({ strict: true }, { message: 'from must be a date like 2026-12-01' })
  from?: string;

  @ApiPropertyOptional({ description: 'Up to and including this day, or before this instant (ISO 8601)' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsISO8601({ strict: true }, { message: 'to must be a date like 2026-12-31' })
  to?: string;

  @ApiPropertyOptional({ description: 'e.g. meeting, invitation, user, session, jitsi_server, api_token, policy' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(50)
  subjectType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(200)
  subjectId?: string;
}

/** The audit filter as the service takes it: a bare date `to` includes that whole day (UTC). */
export function auditFilterOf(query: AuditQueryDto) {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const to = query.to ? new Date(day.test(query.to) ? new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000 : query.to) : undefined;
  return {
    actor: query.actor,
    action: query.action,
    from: query.from ? new Date(day.test(query.from) ? `${query.from}T00:00:00Z` : query.from) : undefined,
    to,
    subjectType: query.subjectType,
    subjectId: query.subjectId,
  };
}

/** A range whose end is not after its start finds nothing: the API says so instead of an empty list. */
export function auditRangeProblems(query: AuditQueryDto): { field: string; messages: string[] }[] {
  const { from, to } = auditFilterOf(query);
  return from && to && from >= to ? [{ field: 'to', messages: ['to must be on or after from'] }] : [];
}

const CSV_COLUMNS = ['time', 'actor', 'actor_id', 'action', 'subject_type', 'subject_id', 'ip', 'metadata'] as const;

/** One CSV cell: quoted, and a leading = + - @ neutralised so spreadsheets do not run it. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export const csvHeader = () => CSV_COLUMNS.join(',') + '\r\n';
export function csvRow(event: {
  createdAt: Date;
  actorLabel: string | null;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  ip: string | null;
  metadata: unknown;
}): string {
  return (
    [event.createdAt.toISOString(), event.actorLabel, event.actorId, event.action, event.subjectType, event.subjectId, event.ip, event.metadata]
      .map(csvCell)
      .join(',') + '\r\n'
  );
}
