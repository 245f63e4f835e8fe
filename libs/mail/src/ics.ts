import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus, type ICalDateTimeValue } from 'ical-generator';
import { canonicalTimeZone, zoneOffsetMs } from '@moderato/core';
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
  /** DTSTAMP; defaults to now. */
  stamp?: Date;
}

/** RFC 5545 line folding (75 octets) for a line we write ourselves (ASCII only). */
const fold = (line: string) => line.match(/.{1,74}/g)!.join('\r\n ');

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
  const stamp = options.stamp ?? new Date();

  const addEvent = (start: Date, end: Date, recurrenceId?: Date) => {
    const event = calendar.createEvent({
      id: icsUid(meeting.id),
      sequence: options.sequence,
      start: zoned(start, tz),
      end: zoned(end, tz),
      timezone: tz,
      stamp,
      summary: meeting.title,
      description: [meeting.description, link].filter(Boolean).join('\n\n'),
      url: link,
      location: link,
      organizer: { name: options.organizer.name || options.organizer.email, email: options.organizer.email },
      status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (recurrenceId) event.recurrenceId(zoned(recurrenceId, tz));
    event.createAttendee({
      name: options.attendee.name || options.attendee.email,
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
    return calendar.toString();
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
  let text = calendar.toString();
  if (cancelled.length) {
    const wall = (iso: string) => {
      const date = new Date(iso);
      const w = new Date(date.getTime() + zoneOffsetMs(date, tz)).toISOString();
      return w.slice(0, 19).replace(/[-:]/g, '');
    };
    text = text.replace('X-MODERATO-EXDATE:placeholder', fold(`EXDATE;TZID=${tz}:${cancelled.map((e) => wall(e.occurrence)).join(',')}`));
  }
  return text;
}
