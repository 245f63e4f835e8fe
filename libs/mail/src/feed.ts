import { singleLine } from '@moderato/core';
import { buildIcs, fold, type IcsOptions } from './ics';

/** One meeting of a calendar feed: what its invitation's .ics is built from. */
export type FeedEntry = Pick<IcsOptions, 'meeting' | 'organizer' | 'attendee' | 'sequence' | 'link'>;

export interface FeedOptions {
  /** The calendar's name in the subscriber's list ("Moderato – Sam Student"). */
  name: string;
  entries: FeedEntry[];
  /** DTSTAMP of every entry: when the feed was read (the caller's Clock). */
  stamp: Date;
  productName?: string;
  /** How often clients should read the feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
  refreshMinutes: number;
}

/** RFC 5545 TEXT escaping: backslash, semicolon, comma, line breaks. */
const escapeText = (value: string) =>
  value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');

/** The BEGIN:<name> … END:<name> blocks of an iCalendar text. */
const blocksOf = (text: string, name: string) => text.match(new RegExp(`^BEGIN:${name}\\r\\n[\\s\\S]*?^END:${name}\\r\\n`, 'gm')) ?? [];

/**
 * A subscription calendar (no METHOD: it publishes, it does not invite): every meeting's VEVENTs
 * exactly as its invitation's .ics has them (buildIcs: the same UID, so clients merge the feed
 * with the mailed invitation instead of showing it twice; RRULE, EXDATE for cancelled dates,
 * RECURRENCE-ID overrides for moved ones), and one VTIMEZONE per zone.
 */
export function buildFeed(options: FeedOptions): string {
  const timezones = new Map<string, string>();
  const events: string[] = [];
  // The earliest meeting of a zone gives its VTIMEZONE (built from that meeting's year on).
  const entries = [...options.entries].sort((a, b) => a.meeting.startsAt.getTime() - b.meeting.startsAt.getTime());
  for (const entry of entries) {
    const ics = buildIcs({ ...entry, method: 'REQUEST', stamp: options.stamp, productName: options.productName });
    for (const block of blocksOf(ics, 'VTIMEZONE')) {
      const tzid = /^TZID:(.*)$/m.exec(block)?.[1]?.trim() ?? '';
      if (!timezones.has(tzid)) timezones.set(tzid, block);
    }
    events.push(...blocksOf(ics, 'VEVENT'));
  }
  const product = singleLine(options.productName ?? 'Moderato').replace(/\/\//g, '/');
  const name = escapeText(singleLine(options.name));
  const ttl = `PT${Math.max(1, Math.round(options.refreshMinutes))}M`;
  const head = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//Moderato//${product}//EN`,
    'CALSCALE:GREGORIAN',
    `NAME:${name}`,
    `X-WR-CALNAME:${name}`,
    `REFRESH-INTERVAL;VALUE=DURATION:${ttl}`,
    `X-PUBLISHED-TTL:${ttl}`,
  ].map(fold);
  return `${head.join('\r\n')}\r\n${[...timezones.values()].join('')}${events.join('')}END:VCALENDAR\r\n`;
}
