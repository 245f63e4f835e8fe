import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Locale } from '@moderato/config';

export class ChangeLanguageDto {
  @IsIn(['en', 'de'], { message: 'locale must be en or de' })
  locale: Locale;

  /** Where to go back to; only a same-origin relative path is followed. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}
