import { RRule, type Options as RRuleOptions } from 'rrule';
import { zoneOffsetMs, zonedToUtc } from '@moderato/core';
import type { OccurrenceException } from './meeting.entity';
import { MeetingScheduleInvalid } from './meetings.errors';
import { parseRule, scheduleMessage, type RecurrenceRule, type RuleUntil } from './recurrence';

export interface Occurrence {
  /** The occurrence's original start (its identity, also for exceptions), UTC. */
  occurrence: Date;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
}

interface Schedulable {
  id?: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  recurrenceExceptions?: OccurrenceException[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The meeting's local date and time written as if UTC ("floating"), as the rrule library counts. */
const floatingOf = (instant: Date, timeZone: string) => new Date(instant.getTime() + zoneOffsetMs(instant, timeZone));

/** The instant of UNTIL: a UTC time as it is; a floating time, or the end of a date, on the meeting's wall clock. */
export function untilInstant(until: RuleUntil, timeZone: string): Date {
  if (until.form === 'utc') return new Date(Date.UTC(until.year, until.month - 1, until.day, until.hour, until.minute, until.second));
  const wall =
    until.form === 'date'
      ? Date.UTC(until.year, until.month - 1, until.day, 23, 59, 59)
      : Date.UTC(until.year, until.month - 1, until.day, until.hour, until.minute, until.second);
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The rrule library's expansion of a checked rule from the meeting's start, on its wall clock. */
export function expansionOf(rule: RecurrenceRule, startsAt: Date, timeZone: string, limit?: Date): RRule {
  const options: Partial<RRuleOptions> = { freq: RRule[rule.freq], interval: rule.interval ?? 1, dtstart: floatingOf(startsAt, timeZone) };
  if (rule.count !== undefined) options.count = rule.count;
  const until = rule.until ? floatingOf(untilInstant(rule.until, timeZone), timeZone) : undefined;
  const end = until && limit ? (until < limit ? until : limit) : (until ?? limit);
  if (end) options.until = end;
  if (rule.byDay) options.byweekday = rule.byDay.map((day) => (day.nth ? RRule[day.weekday].nth(day.nth) : RRule[day.weekday]));
  if (rule.byMonthDay) options.bymonthday = rule.byMonthDay;
  if (rule.byMonth) options.bymonth = rule.byMonth;
  if (rule.bySetPos) options.bysetpos = rule.bySetPos;
  if (rule.wkst) options.wkst = RRule[rule.wkst];
  return new RRule(options);
}

/**
 * The stored rule of a series, read as strictly as a new one: a series saved before Moderato
 * checked schedules (BYDAY=undefined, BYHOUR…) throws MeetingScheduleInvalid, which every page,
 * list and job catches, so one broken series never breaks anything else.
 */
export function storedRuleOf(meeting: Pick<Schedulable, 'rrule'> & { id?: string }): RecurrenceRule {
  const parsed = parseRule(meeting.rrule ?? '');
  if (!parsed.ok) throw new MeetingScheduleInvalid(meeting.id, scheduleMessage(parsed.problem));
  return parsed.rule;
}

/** Whether the meeting's schedule can be expanded (a one-off meeting always can). */
export function scheduleIsValid(meeting: Schedulable & { id?: string }): boolean {
  if (!meeting.rrule) return true;
  try {
    storedRuleOf(meeting);
    zoneOffsetMs(meeting.startsAt, meeting.timezone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The occurrences of a meeting between `from` and `to` (by start), computed on the wall clock
 * of the meeting's time zone: a weekly 08:00 in Europe/Berlin stays 08:00 across DST changes.
 * Exceptions move or cancel single occurrences. A one-off meeting has one occurrence.
 */
export function occurrencesOf(meeting: Schedulable, from: Date, to: Date, options: { includeCancelled?: boolean } = {}): Occurrence[] {
  const duration = meeting.endsAt.getTime() - meeting.startsAt.getTime();
  const exceptions = new Map((meeting.recurrenceExceptions ?? []).map((e) => [new Date(e.occurrence).getTime(), e]));
  let starts: Date[];
  if (!meeting.rrule) {
    starts = [meeting.startsAt];
  } else {
    const parsed = storedRuleOf(meeting);
    try {
      const rule = expansionOf(parsed, meeting.startsAt, meeting.timezone);
      const margin = 2 * 24 * 3600_000;
      starts = rule
        .between(new Date(from.getTime() - margin - duration), new Date(to.getTime() + margin), true)
        .map((wall) =>
          zonedToUtc(
            `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
            `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
            meeting.timezone,
          )!,
        )
        .filter(Boolean);
    } catch (error) {
      // A stored time zone or date the rrule library or Intl cannot work with.
      throw new MeetingScheduleInvalid(meeting.id, error instanceof Error ? error.message : String(error));
    }
  }
  const result: Occurrence[] = [];
  for (const start of starts) {
    const exception = exceptions.get(start.getTime());
    const startsAt = exception?.startsAt ? new Date(exception.startsAt) : start;
    const endsAt = exception?.endsAt ? new Date(exception.endsAt) : new Date(startsAt.getTime() + duration);
    const cancelled = exception?.cancelled === true;
    if (cancelled && !options.includeCancelled) continue;
    if (endsAt.getTime() < from.getTime() || startsAt.getTime() > to.getTime()) continue;
    result.push({ occurrence: start, startsAt, endsAt, cancelled });
  }
  return result.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

export interface JoinWindow {
  /** The current or next occurrence; absent when the meeting is over. */
  occurrence?: Occurrence;
  opensAt: Date;
  closesAt: Date;
  open: boolean;
}

/**
 * The join window that applies now: that of the current or next occurrence, from
 * `joinBeforeMinutes` before its start to `joinAfterMinutes` after its end.
 */
export function joinWindowOf(
  meeting: Schedulable & { joinBeforeMinutes: number; joinAfterMinutes: number },
  now: Date,
  horizonMs = 400 * 24 * 3600_000,
): JoinWindow {
  const before = meeting.joinBeforeMinutes * 60_000;
  const after = meeting.joinAfterMinutes * 60_000;
  const occurrence = occurrencesOf(meeting, new Date(now.getTime() - after), new Date(now.getTime() + horizonMs)).find(
    (candidate) => candidate.endsAt.getTime() + after > now.getTime(),
  );
  const opensAt = new Date((occurrence?.startsAt.getTime() ?? 0) - before);
  const closesAt = new Date((occurrence?.endsAt.getTime() ?? 0) + after);
  return { occurrence, opensAt, closesAt, open: !!occurrence && opensAt <= now };
}
