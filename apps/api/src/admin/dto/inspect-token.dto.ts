import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class InspectTokenDto {
  @ApiProperty({ description: 'The JWT, as found in ?jwt= of a Jitsi URL (a whole URL is accepted too)' })
  @Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    const fromUrl = /[?&]jwt=([^&#\s]+)/.exec(trimmed)?.[1];
    return fromUrl ?? trimmed;
  })
  @IsString()
  @MinLength(1, { message: 'token must not be empty' })
  @MaxLength(20000)
  token: string;

  @ApiPropertyOptional({ description: 'Check the token against this server (signature, iss, aud, sub)' })
  @IsOptional()
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsUUID('all', { message: 'serverId must be one of the registered servers' })
  serverId?: string;
}
