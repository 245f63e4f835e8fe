import type { Locale } from '@moderato/config';
import { dateTimeFormat } from '@moderato/core';
import type { Translate } from '@moderato/i18n';
import { zoneLabel } from '@moderato/web';

/** A number with its unit, in the language's words and plural ("1 day", "2 Tage"). */
function unit(locale: Locale, value: number, name: 'day' | 'hour' | 'minute'): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
}

/**
 * How long until the room opens, as people say it: days and hours for far-off dates, hours and
 * minutes within a day, minutes (rounded up) within the hour. countdown.js says it the same way.
 */
export function durationText(locale: Locale, seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days) return hours ? `${unit(locale, days, 'day')}, ${unit(locale, hours, 'hour')}` : unit(locale, days, 'day');
  if (hours) return rest ? `${unit(locale, hours, 'hour')}, ${unit(locale, rest, 'minute')}` : unit(locale, hours, 'hour');
  return unit(locale, rest, 'minute');
}

/** The waiting page's times in the reader's zone (their own, else the organisation's), the zone named. */
export function waitingTimes(locale: Locale, t: Translate, timeZone: string, startsAt: Date, opensAt: Date) {
  const time = dateTimeFormat(locale, { timeStyle: 'short', timeZone });
  return {
    zone: zoneLabel(t, timeZone),
    date: dateTimeFormat(locale, { dateStyle: 'full', timeZone }).format(startsAt),
    time: time.format(startsAt),
    opensAt: time.format(opensAt),
  };
}
