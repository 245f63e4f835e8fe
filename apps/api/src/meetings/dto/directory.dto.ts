import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class DirectorySearchDto {
  @ApiProperty({ example: '7b', description: 'At least 2 characters of a name, email, login name or group name' })
  @Transform(trim)
  @IsString()
  @MinLength(2, { message: 'q must have at least 2 characters' })
  @MaxLength(100, { message: 'q must be at most 100 characters' })
  q: string;
}

export class AddGroupInvitationDto {
  @ApiProperty({ example: '7b', description: 'The exact name of a directory group' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'group must not be empty' })
  @MaxLength(200, { message: 'group must be at most 200 characters' })
  group: string;

  @ApiPropertyOptional({ enum: ['participant', 'moderator'], default: 'participant' })
  @IsOptional()
  @IsIn(['participant', 'moderator'], { message: 'role must be participant or moderator' })
  role?: 'participant' | 'moderator';
}
