import { zoneOffsetMs } from '@moderato/core';

/**
 * RFC 5545 §3.6.5: every TZID an .ics uses needs its VTIMEZONE. Outlook and Exchange read the
 * times of an invitation through it (others know IANA names themselves). Built from the time zone
 * data of this Node.js (ICU, current), not from a frozen table: the offset changes of the years
 * around the meeting are found by probing, and where they follow a yearly rule ("last Sunday of
 * March, 02:00") the observance says so with an RRULE, as calendar programs expect; otherwise
 * each change is its own observance.
 */

const DAY_MS = 86_400_000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

interface Transition {
  /** First instant with the new offset. */
  at: number;
  from: number;
  to: number;
}

/** Offset changes of `timeZone` in [start, end), to the minute. */
function transitions(timeZone: string, start: number, end: number): Transition[] {
  const found: Transition[] = [];
  let previous = zoneOffsetMs(new Date(start), timeZone);
  for (let day = start + DAY_MS; day <= end; day += DAY_MS) {
    const offset = zoneOffsetMs(new Date(day), timeZone);
    if (offset === previous) continue;
    // The change is within (day − 1 day, day]: narrow it down to the minute.
    let low = day - DAY_MS;
    let high = day;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (zoneOffsetMs(new Date(middle), timeZone) === previous) low = middle;
      else high = middle;
    }
    found.push({ at: high, from: previous, to: offset });
    previous = offset;
  }
  return found;
}

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/** +0100, -0430 */
function utcOffset(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return `${ms < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}${pad(minutes % 60)}`;
}

/** The onset as local time before the change (how DTSTART of an observance is written). */
function localOnset(transition: Transition): Date {
  return new Date(transition.at + transition.from);
}

function dateTime(local: Date): string {
  return `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}T${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
}

/** Month, weekday, which one in the month (1–5) and whether it is the last, and the local time of day. */
function ruleOf(transition: Transition) {
  const local = localOnset(transition);
  const month = local.getUTCMonth();
  const day = local.getUTCDate();
  const daysInMonth = new Date(Date.UTC(local.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return {
    month: month + 1,
    weekday: WEEKDAYS[local.getUTCDay()],
    nth: Math.ceil(day / 7),
    last: day + 7 > daysInMonth,
    time: local.getTime() % DAY_MS,
    from: transition.from,
    to: transition.to,
  };
}

function observance(kind: 'STANDARD' | 'DAYLIGHT', from: number, to: number, start: string, rrule?: string): string[] {
  return [
    `BEGIN:${kind}`,
    `TZOFFSETFROM:${utcOffset(from)}`,
    `TZOFFSETTO:${utcOffset(to)}`,
    `DTSTART:${start}`,
    ...(rrule ? [`RRULE:${rrule}`] : []),
    `END:${kind}`,
  ];
}

const built = new Map<string, string>();

/**
 * The VTIMEZONE of `timeZone` for events from `from` (a year before it to `years` after it).
 * Remembered per zone and year: 2,000 invitations of one meeting need it once.
 */
export function vtimezone(timeZone: string, from: Date, years = 3): string {
  const firstYear = from.getUTCFullYear() - 1;
  const key = `${timeZone}|${firstYear}|${years}`;
  const cached = built.get(key);
  if (cached !== undefined) return cached;

  const yearly: Transition[][] = [];
  for (let year = firstYear; year <= firstYear + years; year += 1) {
    yearly.push(transitions(timeZone, Date.UTC(year, 0, 1) - DAY_MS, Date.UTC(year + 1, 0, 1) - DAY_MS));
  }
  const all = yearly.flat();
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`, `X-LIC-LOCATION:${timeZone}`];
  if (!all.length) {
    const offset = zoneOffsetMs(from, timeZone);
    lines.push(...observance('STANDARD', offset, offset, '19700101T000000'));
  } else {
    const largest = Math.max(...all.map((t) => t.to));
    const kindOf = (t: Transition) => (t.to === largest && t.to > t.from ? 'DAYLIGHT' : 'STANDARD');
    // A yearly rule: every year has the same changes, on the same weekday of the same month
    // (the nth, or the last), at the same local time, between the same offsets.
    const rules = yearly[0].map(ruleOf);
    const same = (a: ReturnType<typeof ruleOf>, b: ReturnType<typeof ruleOf>, by: 'nth' | 'last') =>
      a.month === b.month &&
      a.weekday === b.weekday &&
      a.time === b.time &&
      a.from === b.from &&
      a.to === b.to &&
      (by === 'last' ? a.last && b.last : a.nth === b.nth);
    const holds = (by: 'nth' | 'last', index: number) =>
      yearly.every((changes) => changes.length === rules.length && same(rules[index], ruleOf(changes[index]), by));
    const byDay = rules.map((rule, index) => (holds('last', index) ? `-1${rule.weekday}` : holds('nth', index) ? `${rule.nth}${rule.weekday}` : undefined));
    if (rules.length > 0 && byDay.every((value) => value !== undefined)) {
      yearly[0].forEach((transition, index) => {
        lines.push(
          ...observance(
            kindOf(transition),
            transition.from,
            transition.to,
            dateTime(localOnset(transition)),
            `FREQ=YEARLY;BYMONTH=${rules[index].month};BYDAY=${byDay[index]}`,
          ),
        );
      });
    } else {
      for (const transition of all) lines.push(...observance(kindOf(transition), transition.from, transition.to, dateTime(localOnset(transition))));
    }
  }
  lines.push('END:VTIMEZONE');
  const text = lines.join('\r\n');
  if (built.size >= 1000) built.clear();
  built.set(key, text);
  return text;
}
