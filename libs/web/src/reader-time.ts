import type { Response } from 'express';
import { dateTimeFormat, zoneCity } from '@moderato/core';
import type { Translate } from '@moderato/i18n';

/**
 * Times are shown in the reader's zone: their own (from the IdP, the browser or their choice),
 * else the organisation's default. Every shown time names its zone ("10:00 (Berlin time)").
 */
export function readerTimeZone(res: Response): string {
  const locals = res.locals as { user?: { timezone?: string | null }; defaultTimeZone?: string };
  return locals.user?.timezone || locals.defaultTimeZone || 'UTC';
}

/** "Berlin time" / "Ortszeit Berlin"; UTC is just "UTC". */
export function zoneLabel(t: Translate, timeZone: string): string {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 'UTC' : t('time.zone', { city: zoneCity(timeZone) });
}

/** A date and time in `timeZone` with the zone named: "5 Dec 2026, 10:00 (Berlin time)". */
export function formatZoned(
  date: Date,
  locale: string,
  t: Translate,
  timeZone: string,
  style: Pick<Intl.DateTimeFormatOptions, 'dateStyle' | 'timeStyle'> = { dateStyle: 'medium', timeStyle: 'short' },
): string {
  return `${dateTimeFormat(locale, { ...style, timeZone }).format(date)} (${zoneLabel(t, timeZone)})`;
}

/** Every IANA zone Intl knows, UTC first: the choices of a time zone field. */
export const TIME_ZONE_CHOICES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
