import { RRule } from 'rrule';
import { zoneOffsetMs, zonedToUtc } from '@moderato/core';
import type { OccurrenceException } from './meeting.entity';

export interface Occurrence {
  /** The occurrence's original start (its identity, also for exceptions), UTC. */
  occurrence: Date;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
}

interface Schedulable {
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  recurrenceExceptions?: OccurrenceException[];
}

const pad = (n: number) => String(n).padStart(2, '0');

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
    // Floating wall-clock time: the meeting's local date and time written as if UTC.
    const floating = new Date(meeting.startsAt.getTime() + zoneOffsetMs(meeting.startsAt, meeting.timezone));
    const rule = new RRule({ ...RRule.parseString(meeting.rrule), dtstart: floating });
    const margin = 2 * 24 * 3600_000;
    starts = rule
      .between(new Date(from.getTime() - margin - duration), new Date(to.getTime() + margin), true)
      .map((wall) => zonedToUtc(`${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`, `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`, meeting.timezone)!)
      .filter(Boolean);
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
