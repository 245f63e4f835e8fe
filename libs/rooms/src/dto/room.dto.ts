import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { singleLine } from '@moderato/core';
import {
  ACCESS_KINDS,
  MAX_ACCESS_ENTRIES,
  ROOM_AFFILIATIONS,
  SLUG_PATTERN,
  accessValueProblem,
  duplicateEntries,
  normaliseAccessValue,
  type AccessKind,
  type RoomAffiliation,
} from '../access-list';

/** A name shown to people (pages, tokens): one line, no control characters. */
const oneLine = ({ value }: { value: unknown }) => (typeof value === 'string' ? singleLine(value).trim() : value);
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'on' || value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

/** The value fits its entry's kind: a group name for `group`, an email for `user`. */
function IsAccessValue(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAccessValue',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => !accessValueProblem((args.object as AccessEntryDto).kind, value),
        defaultMessage: (args: ValidationArguments) => accessValueProblem((args.object as AccessEntryDto).kind, args.value) ?? 'invalid value',
      },
    });
}

/** No group or person twice in one list. */
function NoDuplicateEntries(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'noDuplicateEntries',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => !Array.isArray(value) || duplicateEntries(value.filter((entry) => entry && typeof entry === 'object')).length === 0,
        defaultMessage: (args: ValidationArguments) =>
          duplicateEntries((args.value as AccessEntryDto[]).filter((entry) => entry && typeof entry === 'object'))
            .map((entry) => `entry ${entry.index + 1} (${entry.kind}:${entry.value}) is listed twice`)
            .join('; '),
      },
    });
}

/** One entry of a room's access list. */
export class AccessEntryDto {
  @ApiProperty({ enum: ACCESS_KINDS, description: 'group: everyone in this IdP group/role; user: one person by email' })
  @IsIn(ACCESS_KINDS, { message: 'kind must be group or user' })
  kind: AccessKind;

  @ApiProperty({
    example: 'teachers',
    description: 'group: the group or role name as the IdP sends it (case and a leading / do not matter); user: an email address',
  })
  @Transform(({ value, obj }) => normaliseAccessValue((obj as { kind?: unknown }).kind, value))
  @IsAccessValue()
  value: string;

  @ApiProperty({ enum: ROOM_AFFILIATIONS, description: 'moderator: becomes moderator in the Jitsi room; member: a plain participant' })
  @IsIn(ROOM_AFFILIATIONS, { message: 'affiliation must be member or moderator' })
  affiliation: RoomAffiliation;
}

/** A permanent room as an admin enters it (REST or form). */
export class CreateRoomDto {
  @ApiProperty({ example: 'Staff room', description: 'Name shown to people' })
  @Transform(oneLine)
  @IsString({ message: 'name must be text' })
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name: string;

  @ApiPropertyOptional({
    example: 'staff-room',
    description: 'The address /r/<slug>: lower-case a-z, 0-9 and single hyphens, at most 60 characters. Derived from the name when omitted',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim().toLowerCase()) : value))
  @IsString({ message: 'slug must be text' })
  @MaxLength(60, { message: 'slug must be at most 60 characters' })
  @Matches(SLUG_PATTERN, { message: 'slug may contain only a-z, 0-9 and single hyphens (not at the start or end), e.g. staff-room' })
  slug?: string;

  @ApiProperty({ format: 'uuid', description: 'The Jitsi server the room lives on' })
  @IsUUID('all', { message: 'serverId must be the id of a Jitsi server' })
  serverId: string;

  @ApiPropertyOptional({ type: [AccessEntryDto], description: `Who may open the room (at most ${MAX_ACCESS_ENTRIES} entries); nobody else gets a token` })
  @IsOptional()
  @IsArray({ message: 'access must be a list of entries' })
  @ArrayMaxSize(MAX_ACCESS_ENTRIES, { message: `access has at most ${MAX_ACCESS_ENTRIES} entries` })
  @IsObject({ each: true, message: 'each access entry must be an object' })
  @ValidateNested({ each: true })
  @Type(() => AccessEntryDto)
  @NoDuplicateEntries()
  access?: AccessEntryDto[];

  @ApiPropertyOptional({ default: true, description: 'A disabled room gives nobody a token' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

/** A change: any field of CreateRoomDto, plus the version edited (optimistic locking). */
export class UpdateRoomDto extends PartialType(CreateRoomDto) {
  @ApiPropertyOptional({ description: 'The room version you edited (or send it as If-Match); a stale one is a 409' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'version must be the room version you edited' })
  @Min(1, { message: 'version must be the room version you edited' })
  version?: number;
}
