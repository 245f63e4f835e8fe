import { Transform } from 'class-transformer';
import { IsIn } from 'class-validator';
import type { Locale } from '@moderato/config';
import { IsTimeZone, ianaTimeZone } from '@moderato/core';

/** A zone name in its canonical spelling (europe/berlin → Europe/Berlin); anything else is left for the validator to refuse. */
const zone = ({ value }: { value: unknown }) => (typeof value === 'string' ? (ianaTimeZone(value.trim()) ?? value.trim()) : value);

/** The Settings page's first section: the person's language and time zone. */
export class SettingsDto {
  @IsIn(['en', 'de'], { message: 'locale must be en or de' })
  locale: Locale;

  @Transform(zone)
  @IsTimeZone()
  timezone: string;
}

/** The browser's own zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), sent once on a first visit. */
export class DetectedTimezoneDto {
  @Transform(zone)
  @IsTimeZone()
  timezone: string;
}
