import { ISO_DATE_TIME_WITH_OFFSET, canonicalTimeZone, parseIsoDateTime, zonedToUtc } from '@moderato/core';
import { expansionOf, untilInstant } from './occurrences';
import { MAX_OCCURRENCES, parseRule, ruleToString, type ScheduleProblem } from './recurrence';

export interface ScheduleInput {
  startsAt: string;
  endsAt: string;
  timezone: string;
  recurrence?: string | null;
}

export interface ScheduleRules {
  now: Date;
  /** A new meeting may not start more than PAST_TOLERANCE ago. */
  isNew: boolean;
  maxMeetingMinutes: number;
}

export interface CheckedSchedule {
  /** The first date of the series (see firstMatch), else the start as given. */
  startsAt: Date;
  endsAt: Date;
  /** The start as given, when it was moved to the first date that matches the rule. */
  requestedStartsAt?: Date;
  /** The canonical IANA spelling (europe/berlin → Europe/Berlin). */
  timezone: string;
  rrule: string | null;
}

/** How far in the past a new meeting may start (a form filled in at 07:58 for 08:00, sent at 08:01). */
export const PAST_TOLERANCE_MS = 5 * 60_000;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2101, 0, 1);
const MINUTE = 60_000;

/**
 * A schedule checked as strictly as a calendar would: real dates (no 30 February, no 24:00) in
 * the years 2000–2100, the end after the start and within the policy's length, a new meeting not
 * in the past, a known time zone (stored in its canonical spelling), and a rule that repeats at
 * most once a day with at most 500 dates, COUNT or UNTIL alike. Times are rounded to the minute:
 * occurrences are counted in minutes, so the start and the first occurrence agree.
 */
export function checkSchedule(input: ScheduleInput, rules: ScheduleRules): { ok: true; value: CheckedSchedule } | { ok: false; problems: ScheduleProblem[] } {
  const problems: ScheduleProblem[] = [];
  const timezone = canonicalTimeZone(input.timezone);
  if (!timezone) problems.push({ field: 'timezone', code: 'timezone.unknown' });
  const instant = (field: 'startsAt' | 'endsAt', text: string): Date | undefined => {
    if (typeof text !== 'string' || !ISO_DATE_TIME_WITH_OFFSET.test(text)) {
      problems.push({ field, code: `${field}.format` });
      return undefined;
    }
    const date = parseIsoDateTime(text);
    if (!date) {
      problems.push({ field, code: `${field}.notADate`, params: { value: text } });
      return undefined;
    }
    if (date.getTime() < EARLIEST || date.getTime() >= LATEST) {
      problems.push({ field, code: `${field}.range` });
      return undefined;
    }
    return new Date(Math.round(date.getTime() / MINUTE) * MINUTE);
  };
  const startsAt = instant('startsAt', input.startsAt);
  const endsAt = instant('endsAt', input.endsAt);
  if (startsAt && rules.isNew && startsAt.getTime() < rules.now.getTime() - PAST_TOLERANCE_MS) problems.push({ field: 'startsAt', code: 'startsAt.past' });
  if (startsAt && endsAt) {
    if (endsAt <= startsAt) problems.push({ field: 'endsAt', code: 'endsAt.beforeStart' });
    else if (endsAt.getTime() - startsAt.getTime() > rules.maxMeetingMinutes * MINUTE) {
      const limit = rules.maxMeetingMinutes % 60 === 0 ? `${rules.maxMeetingMinutes / 60} hours` : `${rules.maxMeetingMinutes} minutes`;
      problems.push({ field: 'endsAt', code: 'endsAt.tooLong', params: { limit } });
    }
  }
  let rrule: string | null = null;
  /** The first date the rule matches, which becomes the stored start. */
  let first: Date | undefined;
  if (input.recurrence) {
    const parsed = parseRule(input.recurrence);
    if (!parsed.ok) problems.push({ field: 'recurrence', ...parsed.problem });
    else if (startsAt && timezone) {
      const rule = parsed.rule;
      if (rule.until) {
        const until = untilInstant(rule.until, timezone);
        if (until < startsAt) problems.push({ field: 'recurrence', code: 'recurrence.untilBeforeStart' });
        // Stored (and sent to calendars) as UTC, as RFC 5545 wants with a DTSTART in a zone.
        const utc = new Date(Math.floor(until.getTime() / 1000) * 1000);
        rule.until = {
          year: utc.getUTCFullYear(),
          month: utc.getUTCMonth() + 1,
          day: utc.getUTCDate(),
          hour: utc.getUTCHours(),
          minute: utc.getUTCMinutes(),
          second: utc.getUTCSeconds(),
          form: 'utc',
        };
      }
      if (!problems.some((problem) => problem.field === 'recurrence')) {
        // Counted up to one more than allowed, and never beyond 2100 (a rule that never matches ends there).
        const dates = expansionOf(rule, startsAt, timezone, new Date(LATEST)).all((_date, index) => index <= MAX_OCCURRENCES);
        if (dates.length > MAX_OCCURRENCES) problems.push({ field: 'recurrence', code: 'recurrence.tooMany' });
        else if (!dates.length) problems.push({ field: 'recurrence', code: 'recurrence.never' });
        else first = instantOfWall(dates[0], timezone);
      }
      rrule = ruleToString(rule);
    }
  }
  if (problems.length || !startsAt || !endsAt || !timezone) return { ok: false, problems };
  if (first && first.getTime() !== startsAt.getTime()) {
    // RFC 5545: DTSTART is the first instance and COUNT counts from it, so a Monday/Thursday series
    // asked to start on a Saturday starts on the Monday after (same time and length), or every
    // calendar would show a Saturday nobody scheduled and one date too few.
    const moved = new Date(first.getTime() + (endsAt.getTime() - startsAt.getTime()));
    return { ok: true, value: { startsAt: first, endsAt: moved, timezone, rrule, requestedStartsAt: startsAt } };
  }
  return { ok: true, value: { startsAt, endsAt, timezone, rrule } };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The instant of a date of the rrule library's expansion (the meeting's wall clock written as UTC). */
function instantOfWall(wall: Date, timeZone: string): Date | undefined {
  return zonedToUtc(
    `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
    `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
    timeZone,
  );
}
