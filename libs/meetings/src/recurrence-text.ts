import type { Locale } from '@moderato/config';
import { untilInstant } from './occurrences';
import { parseRule, WEEKDAYS, type RecurrenceRule, type Weekday } from './recurrence';

/**
 * A series' rule in words ("Every Monday and Thursday, 12 times" / "Jeden Montag und Donnerstag,
 * 12-mal"), for the pages, the lists and the mails: people read words, not `FREQ=WEEKLY;…`.
 * The words live here, not in the i18n catalogs, because they are grammar (plural, ordinals,
 * "Jeden"/"Jede"/"Alle" by gender and number) rather than sentences with placeholders.
 */
interface Words {
  day: [string, string];
  week: [string, string];
  month: [string, string];
  /** "Every day" / "Jeden Tag" (one) and "Every 2 days" / "Alle 2 Tage" (several). */
  every: (unit: 'day' | 'week' | 'month', interval: number) => string;
  everyWeekday: (days: string) => string;
  weekdays: string[];
  months: string[];
  and: string;
  /** " on Monday and Thursday" after "Every 2 weeks". */
  onDays: (days: string) => string;
  onMonthDays: (days: string) => string;
  monthDay: (n: number) => string;
  nth: (n: number, what: string) => string;
  inMonths: (months: string) => string;
  times: (count: number) => string;
  until: (date: string) => string;
  dateLocale: string;
}

const ORDINALS_EN = ['first', 'second', 'third', 'fourth', 'fifth'];
const ORDINALS_DE = ['ersten', 'zweiten', 'dritten', 'vierten', 'fünften'];
const englishDay = (n: number) => {
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
};

const WORDS: Record<Locale, Words> = {
  en: {
    day: ['day', 'days'],
    week: ['week', 'weeks'],
    month: ['month', 'months'],
    every: (unit, n) => (n === 1 ? `Every ${WORDS.en[unit][0]}` : `Every ${n} ${WORDS.en[unit][1]}`),
    everyWeekday: (days) => `Every ${days}`,
    weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    and: 'and',
    onDays: (days) => ` on ${days}`,
    onMonthDays: (days) => ` on the ${days}`,
    monthDay: (n) => (n === -1 ? 'last day' : n < 0 ? `${englishDay(-n)} last day` : englishDay(n)),
    nth: (n, what) => `the ${n === -1 ? 'last' : n < 0 ? `${ORDINALS_EN[-n - 1] ?? -n} last` : (ORDINALS_EN[n - 1] ?? n)} ${what}`,
    inMonths: (months) => ` in ${months}`,
    times: (count) => (count === 1 ? 'once' : `${count} times`),
    until: (date) => `until ${date}`,
    dateLocale: 'en-GB',
  },
  de: {
    day: ['Tag', 'Tage'],
    week: ['Woche', 'Wochen'],
    month: ['Monat', 'Monate'],
    every: (unit, n) => (n === 1 ? `${unit === 'week' ? 'Jede' : 'Jeden'} ${WORDS.de[unit][0]}` : `Alle ${n} ${WORDS.de[unit][1]}`),
    everyWeekday: (days) => `Jeden ${days}`,
    weekdays: ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'],
    months: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
    and: 'und',
    onDays: (days) => ` am ${days}`,
    onMonthDays: (days) => ` am ${days}`,
    monthDay: (n) => (n === -1 ? 'letzten Tag' : n < 0 ? `${-n}.-letzten Tag` : `${n}.`),
    nth: (n, what) => (n === -1 ? `letzten ${what}` : n < 0 ? `${-n}.-letzten ${what}` : `${ORDINALS_DE[n - 1] ?? `${n}.`} ${what}`),
    inMonths: (months) => ` im ${months}`,
    times: (count) => (count === 1 ? 'einmal' : `${count}-mal`),
    until: (date) => `bis ${date}`,
    dateLocale: 'de-DE',
  },
};

/** "Monday", "Monday and Thursday", "Monday, Wednesday and Friday". */
function list(items: string[], and: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

const weekdayOf = (day: Weekday, words: Words) => words.weekdays[WEEKDAYS.indexOf(day)];

/** The weekday of an instant on the meeting's wall clock. */
function weekdayAt(date: Date, timeZone: string): Weekday {
  const name = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone }).format(date).slice(0, 2).toUpperCase();
  return (WEEKDAYS as readonly string[]).includes(name) ? (name as Weekday) : 'MO';
}

/** The words of a parsed rule. `startsAt` (the series' first date) names the weekday or day a rule leaves implicit. */
export function describeRule(rule: RecurrenceRule, locale: Locale, timeZone: string, startsAt?: Date): string {
  const words = WORDS[locale] ?? WORDS.en;
  const interval = rule.interval ?? 1;
  const plainDays = (rule.byDay ?? []).filter((day) => !day.nth).map((day) => weekdayOf(day.weekday, words));
  const nthDays = (rule.byDay ?? []).filter((day) => day.nth).map((day) => words.nth(day.nth!, weekdayOf(day.weekday, words)));
  let text: string;
  if (rule.freq === 'DAILY') {
    text = words.every('day', interval);
    if (plainDays.length) text += words.onDays(list(plainDays, words.and));
  } else if (rule.freq === 'WEEKLY') {
    const days = plainDays.length ? plainDays : startsAt ? [weekdayOf(weekdayAt(startsAt, timeZone), words)] : [];
    if (interval === 1 && days.length) text = words.everyWeekday(list(days, words.and));
    else text = words.every('week', interval) + (days.length ? words.onDays(list(days, words.and)) : '');
  } else {
    text = words.every('month', interval);
    if (nthDays.length) text += words.onDays(list(nthDays, words.and));
    else if (plainDays.length && rule.bySetPos?.length) {
      // BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1: "the last of Monday … Friday", said as "the last Monday, … or Friday".
      const or = locale === 'de' ? 'oder' : 'or';
      text += words.onDays(
        list(
          rule.bySetPos.map((n) => words.nth(n, list(plainDays, or))),
          words.and,
        ),
      );
    } else if (plainDays.length) text += words.onDays(list(plainDays, words.and));
    else if (rule.byMonthDay?.length) text += words.onMonthDays(list(rule.byMonthDay.map(words.monthDay), words.and));
    else if (startsAt) {
      const day = Number(new Intl.DateTimeFormat('en-GB', { day: 'numeric', timeZone }).format(startsAt));
      text += words.onMonthDays(words.monthDay(day));
    }
  }
  if (rule.byMonth?.length)
    text += words.inMonths(
      list(
        rule.byMonth.map((m) => words.months[m - 1]),
        words.and,
      ),
    );
  if (rule.count !== undefined) return `${text}, ${words.times(rule.count)}`;
  if (rule.until) {
    const until = untilInstant(rule.until, timeZone);
    const sameYear =
      startsAt &&
      new Intl.DateTimeFormat('en', { year: 'numeric', timeZone }).format(startsAt) ===
        new Intl.DateTimeFormat('en', { year: 'numeric', timeZone }).format(until);
    const date = new Intl.DateTimeFormat(words.dateLocale, { day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }), timeZone }).format(until);
    return `${text}, ${words.until(date)}`;
  }
  return text;
}

/**
 * A stored rule in words; a rule Moderato cannot read (saved before schedules were checked) is
 * shown as written, so the page still says something.
 */
export function describeRecurrence(rrule: string, locale: Locale, timeZone: string, startsAt?: Date): string {
  const parsed = parseRule(rrule);
  if (!parsed.ok) return rrule;
  try {
    return describeRule(parsed.rule, locale, timeZone, startsAt);
  } catch {
    // An unknown stored time zone: Intl throws.
    return rrule;
  }
}
