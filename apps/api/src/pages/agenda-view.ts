import type { Request } from 'express';
import type { AppConfig } from '@moderato/config';
import { dateTimeFormat, zoneOffsetMs, zonedToUtc } from '@moderato/core';
import { readerTimeZone } from '@moderato/web';
import type { Translate } from '@moderato/i18n';
import type { AgendaItem } from '@moderato/meetings';

/** The reader's time zone: theirs, else the organisation's default (as `formatDateTime` of every page). */
export const readerZone = (req: Request, config: AppConfig): string => (req.res ? readerTimeZone(req.res) : req.auth?.user.timezone || config.defaultTimezone);

/** The reader's local calendar date of an instant, `YYYY-MM-DD`. */
export const localDay = (date: Date, zone: string): string => new Date(date.getTime() + zoneOffsetMs(date, zone)).toISOString().slice(0, 10);

/** The day after `day` (`YYYY-MM-DD`), and `n` days later. */
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The Monday of the week `day` is in. */
export const mondayOf = (day: string): string => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

/**
 * The first instant of `day` in `zone`: local midnight, or where midnight does not exist (summer
 * time starting at 00:00, as in Santiago) the first minute after the change.
 */
export function startOfDay(day: string, zone: string): Date {
  let instant = zonedToUtc(day, '00:00', zone) ?? new Date(`${day}T00:00:00Z`);
  for (let step = 0; step < 16 && localDay(instant, zone) < day; step++) instant = new Date(instant.getTime() + 15 * 60_000);
  return instant;
}

/**
 * "2 h 10 min", "3 days 4 h", "5 min": the time until a join window opens, rounded up to the
 * minute, in the page's language with its plural rules.
 */
export function durationText(ms: number, t: Translate): string {
  const total = Math.max(1, Math.ceil(ms / 60_000));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const parts: string[] = [];
  if (days) parts.push(t('agenda.duration.days', { count: days }));
  if (hours) parts.push(t('agenda.duration.hours', { count: hours }));
  if (minutes && !days) parts.push(t('agenda.duration.minutes', { count: minutes }));
  return parts.join(' ');
}

/** What the dashboard and the week view show of one date. */
export interface AgendaItemView {
  meetingId: string;
  title: string;
  role: string;
  day: string;
  startsAt: string;
  time: string;
  open: boolean;
  opensIn?: string;
  link: string;
  series: boolean;
}

export function itemView(item: AgendaItem, context: { now: Date; zone: string; locale: string; t: Translate }): AgendaItemView {
  const { now, zone, locale, t } = context;
  const time = dateTimeFormat(locale, { timeStyle: 'short', timeZone: zone });
  const { occurrence, entry } = item;
  return {
    meetingId: entry.meeting.id,
    title: entry.meeting.title,
    role: entry.role,
    day: localDay(occurrence.startsAt, zone),
    startsAt: occurrence.startsAt.toISOString(),
    time: `${time.format(occurrence.startsAt)}–${time.format(occurrence.endsAt)}`,
    open: item.open,
    opensIn: !item.open && item.opensAt > now ? durationText(item.opensAt.getTime() - now.getTime(), t) : undefined,
    link: entry.link,
    series: !!entry.meeting.rrule,
  };
}
