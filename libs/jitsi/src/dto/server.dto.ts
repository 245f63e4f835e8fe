import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'on' || value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(/[\s,]+/)
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/** A Jitsi server as an admin enters it (form or REST). */
export class CreateServerDto {
  @ApiProperty({ example: 'School Jitsi', description: 'Name shown to organizers' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: 'https://meet.school.org', description: 'Public base URL of Jitsi Meet, no trailing slash' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().replace(/\/+$/, '') : value))
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'baseUrl must be an http(s) URL such as https://meet.school.org' })
  baseUrl: string;

  @ApiProperty({ example: 'meet.jitsi', description: 'XMPP domain: the token "sub" (docker-jitsi-meet: meet.jitsi)' })
  @Transform(trim)
  @Matches(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i, { message: 'xmppDomain must be a domain name such as meet.jitsi' })
  xmppDomain: string;

  @ApiProperty({ example: 'moderato', description: 'App id: the token "iss" (docker JWT_APP_ID)' })
  @Transform(trim)
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'appId must be 1-200 visible ASCII characters without spaces' })
  appId: string;

  @ApiProperty({ example: 'jitsi', description: 'Audience: the token "aud" (docker JWT_ACCEPTED_AUDIENCES)' })
  @Transform(trim)
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'audience must be 1-200 visible ASCII characters without spaces' })
  audience: string;

  @ApiProperty({ enum: ['HS256', 'RS256'], description: 'HS256: shared secret (JWT_APP_SECRET); RS256: key pair served at /asap' })
  @IsIn(['HS256', 'RS256'], { message: 'signingMode must be HS256 or RS256' })
  signingMode: 'HS256' | 'RS256';

  @ApiPropertyOptional({ description: 'HS256 only: an existing shared secret (≥ 32 characters); generated when omitted' })
  @IsOptional()
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsString()
  @MinLength(32, { message: 'secret must be at least 32 characters (leave it empty to have one generated)' })
  @MaxLength(512)
  secret?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ default: false, description: 'The server runs the token_lobby_bypass plugin: invited members skip the lobby' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  lobbyBypass?: boolean;

  @ApiPropertyOptional({
    example: 'http://xmpp.meet.jitsi:5280',
    nullable: true,
    description: "Prosody's HTTP base on the internal network, for End meeting (muc_end_meeting); empty = End meeting off",
  })
  @IsOptional()
  @Transform(({ value }) => (value === '' ? null : typeof value === 'string' ? value.trim().replace(/\/+$/, '') : value))
  @ValidateIf((_, value) => value !== null)
  @Matches(/^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/, { message: 'prosodyHttpUrl must be an http(s) URL such as http://xmpp.meet.jitsi:5280' })
  @MaxLength(500)
  prosodyHttpUrl?: string | null;

  @ApiPropertyOptional({
    example: 'muc.meet.jitsi',
    nullable: true,
    description: 'MUC domain of the rooms (docker XMPP_MUC_DOMAIN); empty = muc.meet.jitsi for meet.jitsi, else conference.<xmppDomain>',
  })
  @IsOptional()
  @Transform(({ value }) => (value === '' ? null : typeof value === 'string' ? value.trim() : value))
  @ValidateIf((_, value) => value !== null)
  @Matches(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i, { message: 'mucDomain must be a domain name such as muc.meet.jitsi' })
  mucDomain?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['teachers'], description: 'Roles/groups whose organizers may use it; empty = all' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @IsString({ each: true })
  allowedOrganizerRoles?: string[];
}

/** What can change after creation (the signing mode cannot: create a new server instead). */
export class UpdateServerDto extends PartialType(OmitType(CreateServerDto, ['signingMode', 'secret'] as const)) {}
