import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { API_TOKEN_SCOPES, type ApiTokenScope } from '../api-token.entity';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'Timetable sync', maxLength: 80 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'name must be text' })
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(80, { message: 'name must be at most 80 characters' })
  name: string;

  @ApiProperty({ enum: API_TOKEN_SCOPES, isArray: true, example: ['meetings:read', 'meetings:write'] })
  @Transform(({ value }) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayNotEmpty({ message: 'choose at least one scope' })
  @IsIn(API_TOKEN_SCOPES, { each: true, message: `each scope must be one of ${API_TOKEN_SCOPES.join(', ')}` })
  scopes: ApiTokenScope[];

  @ApiProperty({ minimum: 1, maximum: 365, example: 90, description: 'The token stops working after this many days' })
  @Transform(({ value }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'expiresInDays must be a whole number of days' })
  @Min(1, { message: 'expiresInDays must be between 1 and 365' })
  @Max(365, { message: 'expiresInDays must be between 1 and 365' })
  expiresInDays: number;
}
