import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus, type ICalDateTimeValue } from 'ical-generator';
import { canonicalTimeZone, plainText, singleLine, zoneOffsetMs } from '@moderato/core';
import { vtimezone } from './vtimezone';
import type { InvitationRole, OccurrenceException } from '@moderato/meetings';

/** What the calendar entry needs of a meeting (a `Meeting` entity fits). */
export interface IcsMeeting {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  recurrenceExceptions?: OccurrenceException[];
}

export interface IcsOptions {
  method: 'REQUEST' | 'CANCEL';
  meeting: IcsMeeting;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string; role: InvitationRole };
  /** iCalendar SEQUENCE: 0 for the first invitation, +1 for every change. */
  sequence: number;
  /** The attendee's personal link (URL and LOCATION of the event). */
  link: string;
  productName?: string;
  /**
   * Original start of one occurrence of a series: the entry is about that occurrence only
   * (RECURRENCE-ID), e.g. a CANCEL of a single date.
   */
  occurrence?: Date;
  /** DTSTAMP: when the entry was made (the caller's Clock). */
  stamp: Date;
}

/**
 * RFC 5545 line folding: at most 75 octets per line (continuations start with a space), never
 * inside a UTF-8 character.
 */
export function fold(line: string): string {
  if (line.length <= 75 && Buffer.byteLength(line, 'utf8') <= 75) return line; // most lines
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/**
 * A parameter value (CN=…) as RFC 5545 and RFC 6868 want it: always quoted, a double quote as
 * ^', a caret as ^^, a line break as ^n. (ical-generator writes \" inside the quotes, which RFC
 * 5545 does not know: a strict parser ends the value there and reads the rest as parameters.)
 */
export function icsParamValue(value: string): string {
  return `"${value
    .replace(/\^/g, '^^')
    .replace(/"/g, "^'")
    .replace(/\r\n|\r|\n/g, '^n')}"`;
}

/** Stand-ins for the CN values while ical-generator writes the entry; replaced by icsParamValue. */
const CN_ORGANIZER = 'X-MODERATO-CN-ORGANIZER';
const CN_ATTENDEE = 'X-MODERATO-CN-ATTENDEE';

/** The calendar entry's stable UID: every update and cancellation refers to the same event. */
export const icsUid = (meetingId: string) => `${meetingId}@moderato`;

/**
 * A Temporal.ZonedDateTime look-alike, so ical-generator writes the wall-clock time of `timeZone`
 * (`DTSTART;TZID=Europe/Berlin:20261201T080000`) without depending on the process' own zone.
 */
function zoned(date: Date, timeZone: string): ICalDateTimeValue {
  const wall = new Date(date.getTime() + zoneOffsetMs(date, timeZone));
  const fields = {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
  const iso = date.toISOString();
  const plainDate = { year: fields.year, month: fields.month, day: fields.day, toJSON: () => iso.slice(0, 10), toString: () => iso.slice(0, 10) };
  const instant = {
    epochMilliseconds: date.getTime(),
    toJSON: () => iso,
    toString: () => iso,
    toZonedDateTimeISO: (zone: string) => stub(zone),
  };
  const stub = (zone: string): ICalDateTimeValue => (zone === timeZone ? self : (zoned(date, zone) as typeof self));
  const self = {
    ...fields,
    timeZoneId: timeZone,
    toInstant: () => instant,
    toJSON: () => iso,
    toString: () => iso,
    withTimeZone: (zone: string) => stub(zone) as typeof self,
    toPlainDateTime: () => ({
      ...fields,
      toJSON: () => iso,
      toString: () => iso,
      toPlainDate: () => plainDate,
      toZonedDateTime: (zone: string) => stub(zone) as typeof self,
    }),
  };
  return self;
}

/**
 * The iCalendar text (RFC 5545 / iTIP) for one attendee: METHOD:REQUEST for an invitation or
 * an update, METHOD:CANCEL to remove it from the calendar. One stable UID per meeting; a series
 * carries its RRULE, cancelled occurrences are EXDATEs and moved ones RECURRENCE-ID overrides.
 */
export function buildIcs(options: IcsOptions): string {
  const { meeting, method, link } = options;
  // The canonical spelling (Europe/Berlin), also for meetings saved before it was enforced (europe/berlin).
  const tz = canonicalTimeZone(meeting.timezone) ?? meeting.timezone;
  const calendar = ical({
    prodId: { company: 'Moderato', product: options.productName ?? 'Moderato', language: 'EN' },
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    // The VTIMEZONE of the zone the times are written in (TZID=…), for Outlook and Exchange.
    timezone: { name: null, generator: (zone: string) => vtimezone(zone, meeting.startsAt) },
  });
  const exceptions = meeting.rrule ? (meeting.recurrenceExceptions ?? []) : [];
  const cancelled = exceptions.filter((e) => e.cancelled);
  const moved = exceptions.filter((e) => !e.cancelled && (e.startsAt || e.endsAt));
  const duration = meeting.endsAt.getTime() - meeting.startsAt.getTime();
  // No control characters in what calendars show; names and the title on one line.
  const title = singleLine(meeting.title);
  const description = plainText(meeting.description);
  const organizerName = singleLine(options.organizer.name).trim() || options.organizer.email;
  const attendeeName = singleLine(options.attendee.name).trim() || options.attendee.email;
  /**
   * ical-generator's text with the CN values and EXDATE written by us: each ORGANIZER, ATTENDEE
   * and EXDATE line (with its folded continuations) unfolded, rewritten and folded again.
   */
  const finish = (text: string) =>
    text.replace(/^(?:ORGANIZER|ATTENDEE|X-MODERATO-EXDATE)[;:].*(?:\r\n[ \t].*)*/gm, (folded) => {
      const line = folded.replace(/\r\n[ \t]/g, '');
      if (line === 'X-MODERATO-EXDATE:placeholder') return fold(`EXDATE;TZID=${tz}:${cancelled.map((e) => wall(e.occurrence)).join(',')}`);
      return fold(
        line.replace(`CN="${CN_ORGANIZER}"`, `CN=${icsParamValue(organizerName)}`).replace(`CN="${CN_ATTENDEE}"`, `CN=${icsParamValue(attendeeName)}`),
      );
    });
  const wall = (iso: string) => {
    const date = new Date(iso);
    const w = new Date(date.getTime() + zoneOffsetMs(date, tz)).toISOString();
    return w.slice(0, 19).replace(/[-:]/g, '');
  };

  const addEvent = (start: Date, end: Date, recurrenceId?: Date) => {
    const event = calendar.createEvent({
      id: icsUid(meeting.id),
      sequence: options.sequence,
      start: zoned(start, tz),
      end: zoned(end, tz),
      timezone: tz,
      stamp: options.stamp,
      summary: title,
      description: [description, link].filter(Boolean).join('\n\n'),
      url: link,
      location: link,
      organizer: { name: CN_ORGANIZER, email: options.organizer.email },
      status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (recurrenceId) event.recurrenceId(zoned(recurrenceId, tz));
    event.createAttendee({
      name: CN_ATTENDEE,
      email: options.attendee.email,
      role: options.attendee.role === 'moderator' ? ICalAttendeeRole.CHAIR : ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      rsvp: false,
    });
    return event;
  };

  if (options.occurrence && meeting.rrule) {
    const original = options.occurrence;
    const exception = exceptions.find((e) => new Date(e.occurrence).getTime() === original.getTime());
    const start = exception?.startsAt ? new Date(exception.startsAt) : original;
    const end = exception?.endsAt ? new Date(exception.endsAt) : new Date(start.getTime() + duration);
    addEvent(start, end, original);
    return finish(calendar.toString());
  }
  const master = addEvent(meeting.startsAt, meeting.endsAt);
  if (meeting.rrule) {
    master.repeating(`RRULE:${meeting.rrule.replace(/^RRULE:/i, '')}`);
    // ical-generator writes EXDATE only from structured repeating options; add it by hand.
    if (cancelled.length) {
      master.x('X-MODERATO-EXDATE', 'placeholder');
    }
    // Moved occurrences: an override VEVENT with the same UID and the original start.
    for (const exception of moved) {
      const original = new Date(exception.occurrence);
      const start = exception.startsAt ? new Date(exception.startsAt) : original;
      const end = exception.endsAt ? new Date(exception.endsAt) : new Date(start.getTime() + duration);
      addEvent(start, end, original);
    }
  }
  return finish(calendar.toString());
}
