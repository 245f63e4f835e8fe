import { isCalendarDate } from '@moderato/core';

/** What Moderato accepts of RFC 5545 (no more than one date a day; ends by COUNT or UNTIL). */
export const MAX_OCCURRENCES = 500;
export const MAX_INTERVAL = 52;
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY';

/** UNTIL as written: a UTC date-time (…Z), a floating date-time, or a date. */
export interface RuleUntil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  form: 'utc' | 'floating' | 'date';
}

export interface RecurrenceRule {
  freq: Frequency;
  interval?: number;
  count?: number;
  until?: RuleUntil;
  /** Weekdays, for MONTHLY optionally with an ordinal: 1MO = the first Monday, -1FR = the last Friday. */
  byDay?: { weekday: Weekday; nth?: number }[];
  byMonthDay?: number[];
  byMonth?: number[];
  bySetPos?: number[];
  wkst?: Weekday;
}

/**
 * Why a schedule is refused: a stable code (the pages translate it, see `schedule.*` in the web
 * i18n catalogs) with its parameters, and the field it belongs to.
 */
export interface ScheduleProblem {
  field: 'startsAt' | 'endsAt' | 'timezone' | 'recurrence';
  code: ScheduleProblemCode;
  params?: Record<string, string | number>;
}

/** The English text of every problem (the API's field messages). */
export const SCHEDULE_MESSAGES = {
  'startsAt.format': 'startsAt must be an ISO 8601 date-time with offset, e.g. 2026-12-01T08:00:00+01:00',
  'startsAt.notADate': 'startsAt is not a date and time of the calendar: {value}',
  'startsAt.range': 'startsAt must be in the years 2000 to 2100',
  'startsAt.past': 'startsAt is in the past: a new meeting must start in the future',
  'endsAt.format': 'endsAt must be an ISO 8601 date-time with offset, e.g. 2026-12-01T08:45:00+01:00',
  'endsAt.notADate': 'endsAt is not a date and time of the calendar: {value}',
  'endsAt.range': 'endsAt must be in the years 2000 to 2100',
  'endsAt.beforeStart': 'endsAt must be after startsAt',
  'endsAt.tooLong': 'a meeting may last at most {limit} (organisation policy)',
  'timezone.unknown': 'timezone must be an IANA time zone such as Europe/Berlin',
  'recurrence.syntax': 'recurrence must be an RRULE such as FREQ=WEEKLY;BYDAY=MO;COUNT=10',
  'recurrence.unknownPart': 'recurrence has a part Moderato does not know: {part}',
  'recurrence.duplicatePart': 'recurrence gives {part} twice',
  'recurrence.frequency': 'recurrence must repeat DAILY, WEEKLY or MONTHLY (at most once a day)',
  'recurrence.moreThanDaily': 'recurrence may repeat at most once a day: {part} is not allowed',
  'recurrence.weekday': 'recurrence has an unknown weekday: {value} (use MO, TU, WE, TH, FR, SA or SU)',
  'recurrence.value': 'recurrence has an invalid {part}: {value}',
  'recurrence.end': 'recurrence must end: give COUNT or UNTIL',
  'recurrence.countAndUntil': 'recurrence must give COUNT or UNTIL, not both',
  'recurrence.count': `COUNT must be a whole number from 1 to ${MAX_OCCURRENCES}`,
  'recurrence.interval': `INTERVAL must be a whole number from 1 to ${MAX_INTERVAL}`,
  'recurrence.until': 'UNTIL must be a date such as 20261224 or 20261224T170000Z',
  'recurrence.untilRange': 'UNTIL must be in the years 2000 to 2100',
  'recurrence.untilBeforeStart': 'UNTIL is before the start of the meeting',
  'recurrence.tooMany': `recurrence may have at most ${MAX_OCCURRENCES} occurrences`,
  'recurrence.never': 'recurrence never matches a date: no meeting would take place',
} as const;
export type ScheduleProblemCode = keyof typeof SCHEDULE_MESSAGES;

export function scheduleMessage(problem: Pick<ScheduleProblem, 'code' | 'params'>): string {
  const text: string = SCHEDULE_MESSAGES[problem.code];
  const params = problem.params ?? {};
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

type Parsed = { ok: true; rule: RecurrenceRule } | { ok: false; problem: Omit<ScheduleProblem, 'field'> };

const PARTS = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'];
/** Parts of RFC 5545 that would repeat within a day, or need a yearly rule. */
const REFUSED_PARTS = ['BYHOUR', 'BYMINUTE', 'BYSECOND'];
const FREQUENCIES: Frequency[] = ['DAILY', 'WEEKLY', 'MONTHLY'];

const isWeekday = (value: string): value is Weekday => (WEEKDAYS as readonly string[]).includes(value);

/** A comma list of whole numbers within [min, max] (0 excluded when `noZero`). */
function numberList(value: string, min: number, max: number, noZero = true): number[] | undefined {
  const items = value.split(',');
  if (items.some((item) => !/^[+-]?\d{1,3}$/.test(item))) return undefined;
  const numbers = items.map(Number);
  return numbers.every((n) => n >= min && n <= max && (!noZero || n !== 0)) ? numbers : undefined;
}

function parseUntil(value: string): RuleUntil | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, z] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59)) return undefined;
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    form: hour === undefined ? 'date' : z ? 'utc' : 'floating',
  };
}

/**
 * Reads an RRULE strictly, part by part: unknown parts, unknown weekdays, COUNT < 1, INTERVAL < 1
 * and anything that would repeat more than once a day are refused (the rrule library would
 * store BYDAY=XX as BYDAY=undefined, and expand BYHOUR/BYMINUTE into thousands of dates).
 * What needs the meeting's start (UNTIL before it, the total number of dates) is checked by
 * checkSchedule().
 */
export function parseRule(text: string): Parsed {
  const body = text.trim().replace(/^RRULE:/i, '');
  const fail = (code: ScheduleProblemCode, params?: Record<string, string | number>): Parsed => ({
    ok: false,
    problem: { code, ...(params ? { params } : {}) },
  });
  if (!body || body.length > 500) return fail('recurrence.syntax');
  const seen = new Map<string, string>();
  /** As written, for messages (BYDAY=undefined, not UNDEFINED). */
  const written = new Map<string, string>();
  for (const item of body.split(';')) {
    const match = /^([A-Za-z]+)=([^=;]+)$/.exec(item.trim());
    if (!match) return fail('recurrence.syntax');
    const part = match[1].toUpperCase();
    const value = match[2].trim().toUpperCase();
    if (REFUSED_PARTS.includes(part)) return fail('recurrence.moreThanDaily', { part });
    if (!PARTS.includes(part)) return fail('recurrence.unknownPart', { part: part.slice(0, 40) });
    if (seen.has(part)) return fail('recurrence.duplicatePart', { part });
    seen.set(part, value);
    written.set(part, match[2].trim());
  }
  const freq = seen.get('FREQ');
  if (!freq || !FREQUENCIES.includes(freq as Frequency)) return fail('recurrence.frequency');
  const rule: RecurrenceRule = { freq: freq as Frequency };
  const value = (part: string) => seen.get(part);
  const shown = (text: string) => text.slice(0, 40);

  const interval = value('INTERVAL');
  if (interval !== undefined) {
    if (!/^\d{1,3}$/.test(interval) || Number(interval) < 1 || Number(interval) > MAX_INTERVAL) return fail('recurrence.interval');
    rule.interval = Number(interval);
  }
  const count = value('COUNT');
  if (count !== undefined) {
    if (!/^\d{1,4}$/.test(count) || Number(count) < 1 || Number(count) > MAX_OCCURRENCES) {
      return /^\d+$/.test(count) && Number(count) > MAX_OCCURRENCES ? fail('recurrence.tooMany') : fail('recurrence.count');
    }
    rule.count = Number(count);
  }
  const until = value('UNTIL');
  if (until !== undefined) {
    const parsed = parseUntil(until);
    if (!parsed) return fail('recurrence.until');
    if (parsed.year < 2000 || parsed.year > 2100) return fail('recurrence.untilRange');
    rule.until = parsed;
  }
  if (rule.count === undefined && !rule.until) return fail('recurrence.end');
  if (rule.count !== undefined && rule.until) return fail('recurrence.countAndUntil');

  const byDay = value('BYDAY');
  if (byDay !== undefined) {
    rule.byDay = [];
    const asWritten = written.get('BYDAY')!.split(',');
    for (const [index, item] of byDay.split(',').entries()) {
      const match = /^([+-]?\d{1,2})?([A-Z]+)$/.exec(item);
      if (!match || !isWeekday(match[2])) return fail('recurrence.weekday', { value: shown(asWritten[index] ?? item) });
      if (match[1] !== undefined) {
        const nth = Number(match[1]);
        // An ordinal (the 2nd Tuesday) only means something within a month.
        if (rule.freq !== 'MONTHLY' || nth === 0 || Math.abs(nth) > 5) return fail('recurrence.value', { part: 'BYDAY', value: shown(item) });
        rule.byDay.push({ weekday: match[2], nth });
      } else rule.byDay.push({ weekday: match[2] });
    }
  }
  const lists: [string, 'byMonthDay' | 'byMonth' | 'bySetPos', number, number][] = [
    ['BYMONTHDAY', 'byMonthDay', -31, 31],
    ['BYMONTH', 'byMonth', 1, 12],
    ['BYSETPOS', 'bySetPos', -366, 366],
  ];
  for (const [part, key, min, max] of lists) {
    const text = value(part);
    if (text === undefined) continue;
    const numbers = numberList(text, min, max);
    if (!numbers) return fail('recurrence.value', { part, value: shown(text) });
    rule[key] = numbers;
  }
  if (rule.byMonthDay && rule.freq === 'WEEKLY') return fail('recurrence.value', { part: 'BYMONTHDAY', value: shown(value('BYMONTHDAY')!) });
  const wkst = value('WKST');
  if (wkst !== undefined) {
    if (!isWeekday(wkst)) return fail('recurrence.weekday', { value: shown(written.get('WKST')!) });
    rule.wkst = wkst;
  }
  return { ok: true, rule };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function untilText(until: RuleUntil): string {
  const day = `${pad(until.year, 4)}${pad(until.month)}${pad(until.day)}`;
  if (until.form === 'date') return day;
  return `${day}T${pad(until.hour)}${pad(until.minute)}${pad(until.second)}${until.form === 'utc' ? 'Z' : ''}`;
}

/** The rule in one spelling (parts in a fixed order, upper case), as it is stored and sent in calendars. */
export function ruleToString(rule: RecurrenceRule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== undefined && rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byMonth) parts.push(`BYMONTH=${rule.byMonth.join(',')}`);
  if (rule.byMonthDay) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.byDay) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.nth ?? ''}${d.weekday}`).join(',')}`);
  if (rule.bySetPos) parts.push(`BYSETPOS=${rule.bySetPos.join(',')}`);
  if (rule.wkst) parts.push(`WKST=${rule.wkst}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until) parts.push(`UNTIL=${untilText(rule.until)}`);
  return parts.join(';');
}

/**
 * Checks an RRULE as Moderato accepts it, without the meeting's start (see checkSchedule() for
 * the whole check). Returns the normalised rule, or the reason it is refused.
 */
export function parseRecurrence(rule: string): { ok: true; rrule: string } | { ok: false; message: string } {
  const parsed = parseRule(rule);
  return parsed.ok ? { ok: true, rrule: ruleToString(parsed.rule) } : { ok: false, message: scheduleMessage(parsed.problem) };
}
