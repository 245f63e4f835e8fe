import { occurrencesOf, scheduleIsValid } from './occurrences';
import { MeetingScheduleInvalid } from './meetings.errors';
import { parseRecurrence } from './recurrence';
import { checkSchedule } from './schedule';

const now = new Date('2026-12-04T12:00:00Z');
const rules = { now, isNew: true, maxMeetingMinutes: 600 };
const base = { startsAt: '2027-01-11T08:00:00+01:00', endsAt: '2027-01-11T08:45:00+01:00', timezone: 'Europe/Berlin' };
const problemsOf = (input: Partial<typeof base> & { recurrence?: string }, options = rules) => {
  const result = checkSchedule({ ...base, ...input }, options);
  return result.ok ? [] : result.problems.map((problem) => `${problem.field} ${problem.code}`);
};
const valueOf = (input: Partial<typeof base> & { recurrence?: string }) => {
  const result = checkSchedule({ ...base, ...input }, rules);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
};

describe('checkSchedule: the recurrence', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=XX;COUNT=5', 'recurrence.weekday'],
    ['FREQ=WEEKLY;BYDAY=MO,XX;COUNT=5', 'recurrence.weekday'],
    ['FREQ=WEEKLY;WKST=XX;COUNT=5', 'recurrence.weekday'],
    ['FREQ=WEEKLY;COUNT=5;FOO=1', 'recurrence.unknownPart'],
    ['FREQ=WEEKLY;COUNT=5;X-NAME=1', 'recurrence.syntax'],
    ['FREQ=WEEKLY;COUNT=5;COUNT=6', 'recurrence.duplicatePart'],
    ['FREQ=WEEKLY;COUNT=0', 'recurrence.count'],
    ['FREQ=WEEKLY;COUNT=-1', 'recurrence.count'],
    ['FREQ=WEEKLY;COUNT=501', 'recurrence.tooMany'],
    ['FREQ=WEEKLY;INTERVAL=0;COUNT=5', 'recurrence.interval'],
    ['FREQ=WEEKLY;INTERVAL=-2;COUNT=5', 'recurrence.interval'],
    ['FREQ=DAILY;UNTIL=20270110T000000Z', 'recurrence.untilBeforeStart'],
    ['FREQ=DAILY;UNTIL=20270110', 'recurrence.untilBeforeStart'],
    ['FREQ=DAILY;UNTIL=20270230T000000Z', 'recurrence.until'],
    ['FREQ=DAILY;UNTIL=21500101T000000Z', 'recurrence.untilRange'],
    ['FREQ=DAILY;COUNT=3;UNTIL=20270301T000000Z', 'recurrence.countAndUntil'],
    ['FREQ=DAILY;BYHOUR=8,9;COUNT=5', 'recurrence.moreThanDaily'],
    ['FREQ=DAILY;BYMINUTE=0,30;COUNT=5', 'recurrence.moreThanDaily'],
    ['FREQ=DAILY;BYSECOND=0;COUNT=5', 'recurrence.moreThanDaily'],
    ['FREQ=HOURLY;COUNT=3', 'recurrence.frequency'],
    ['FREQ=MINUTELY;COUNT=3', 'recurrence.frequency'],
    ['FREQ=SECONDLY;COUNT=3', 'recurrence.frequency'],
    ['FREQ=YEARLY;COUNT=3', 'recurrence.frequency'],
    ['FREQ=WEEKLY', 'recurrence.end'],
    ['nonsense', 'recurrence.syntax'],
    ['FREQ=MONTHLY;BYMONTHDAY=32;COUNT=3', 'recurrence.value'],
    ['FREQ=WEEKLY;BYDAY=1MO;COUNT=3', 'recurrence.value'],
    ['FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3', 'recurrence.never'],
    // Every day until +60 days: 61 dates, within 500; until +2 years: 731, too many.
    ['FREQ=DAILY;UNTIL=20290111T235959Z', 'recurrence.tooMany'],
  ])('refuses %s (%s)', (recurrence, code) => {
    expect(problemsOf({ recurrence })).toEqual([`recurrence ${code}`]);
  });

  it('refuses the rule that made 86,370 dates per invitee (every hour and minute until +60 days)', () => {
    const minutes = Array.from({ length: 60 }, (_, i) => i).join(',');
    const hours = Array.from({ length: 24 }, (_, i) => i).join(',');
    expect(problemsOf({ recurrence: `FREQ=DAILY;BYHOUR=${hours};BYMINUTE=${minutes};UNTIL=20270312T000000Z` })).toEqual([
      'recurrence recurrence.moreThanDaily',
    ]);
  });

  it.each([
    ['FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10', 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10'],
    ['rrule:freq=weekly;byday=mo;count=500', 'FREQ=WEEKLY;BYDAY=MO;COUNT=500'],
    ['FREQ=MONTHLY;BYDAY=-1FR;COUNT=6', 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=6'],
    ['FREQ=DAILY;INTERVAL=1;COUNT=3', 'FREQ=DAILY;COUNT=3'],
    // UNTIL is stored in UTC (RFC 5545 with a DTSTART in a zone): a date means the end of that day there.
    ['FREQ=DAILY;UNTIL=20270312', 'FREQ=DAILY;UNTIL=20270312T225959Z'],
    ['FREQ=DAILY;UNTIL=20270312T090000', 'FREQ=DAILY;UNTIL=20270312T080000Z'],
    ['FREQ=DAILY;UNTIL=20280110T000000Z', 'FREQ=DAILY;UNTIL=20280110T000000Z'],
  ])('accepts %s as %s', (recurrence, stored) => {
    expect(valueOf({ recurrence }).rrule).toBe(stored);
  });

  it('counts an UNTIL rule like a COUNT rule: 500 dates are fine, 501 are not', () => {
    // Daily from 11 January 2027: the 500th date is 24 May 2028.
    expect(problemsOf({ recurrence: 'FREQ=DAILY;UNTIL=20280524T235959Z' })).toEqual([]);
    expect(problemsOf({ recurrence: 'FREQ=DAILY;UNTIL=20280525T235959Z' })).toEqual(['recurrence recurrence.tooMany']);
  });
});

describe('checkSchedule: dates, times and zones', () => {
  it.each([
    [{ startsAt: '2027-02-30T08:00:00+01:00', endsAt: '2027-02-30T09:00:00+01:00' }, ['startsAt startsAt.notADate', 'endsAt endsAt.notADate']],
    [{ startsAt: '2027-01-11T24:00:00+01:00' }, ['startsAt startsAt.notADate']],
    [{ startsAt: '2027-01-11T08:60:00+01:00' }, ['startsAt startsAt.notADate']],
    [{ startsAt: '2027-13-01T08:00:00+01:00' }, ['startsAt startsAt.notADate']],
    [{ startsAt: '2027-01-11T08:00:00+25:00' }, ['startsAt startsAt.notADate']],
    [{ startsAt: '1999-12-31T08:00:00+01:00', endsAt: '1999-12-31T09:00:00+01:00' }, ['startsAt startsAt.range', 'endsAt endsAt.range']],
    [{ startsAt: '2101-01-11T08:00:00+01:00', endsAt: '2101-01-11T09:00:00+01:00' }, ['startsAt startsAt.range', 'endsAt endsAt.range']],
    [{ startsAt: '2026-01-12T08:00:00+01:00', endsAt: '2026-01-12T09:00:00+01:00' }, ['startsAt startsAt.past']],
    [{ timezone: 'Mars/Olympus' }, ['timezone timezone.unknown']],
    [{ endsAt: '2027-01-11T07:00:00+01:00' }, ['endsAt endsAt.beforeStart']],
  ])('refuses %j', (input, expected) => {
    expect(problemsOf(input)).toEqual(expected);
  });

  it('lets a new meeting start up to 5 minutes ago, and an existing one keep its past start', () => {
    expect(problemsOf({ startsAt: '2026-12-04T11:56:00Z', endsAt: '2026-12-04T13:00:00Z' })).toEqual([]);
    expect(problemsOf({ startsAt: '2026-12-04T11:54:00Z', endsAt: '2026-12-04T13:00:00Z' })).toEqual(['startsAt startsAt.past']);
    expect(problemsOf({ startsAt: '2026-01-12T08:00:00+01:00', endsAt: '2026-01-12T09:00:00+01:00' }, { ...rules, isNew: false })).toEqual([]);
  });

  it('stores the time zone in its canonical spelling, whatever its case', () => {
    expect(valueOf({ timezone: 'europe/berlin' }).timezone).toBe('Europe/Berlin');
    expect(valueOf({ timezone: 'AMERICA/NEW_YORK' }).timezone).toBe('America/New_York');
    expect(valueOf({ timezone: 'utc' }).timezone).toBe('UTC');
  });

  it('rounds a start with seconds to the minute, so the first occurrence is the start and can be found', () => {
    const value = valueOf({ startsAt: '2027-01-11T08:00:40.5+01:00', endsAt: '2027-01-11T08:45:10+01:00', recurrence: 'FREQ=WEEKLY;COUNT=3' });
    expect(value.startsAt.toISOString()).toBe('2027-01-11T07:01:00.000Z');
    expect(value.endsAt.toISOString()).toBe('2027-01-11T07:45:00.000Z');
    const [first] = occurrencesOf({ ...value, rrule: value.rrule }, value.startsAt, new Date('2027-02-01'));
    expect(first.occurrence.toISOString()).toBe(value.startsAt.toISOString());
  });
});

describe('checkSchedule: the first date is the first that matches the rule', () => {
  it('moves a Monday/Thursday series chosen to start on a Saturday to the Monday after, same time and length', () => {
    // Saturday 5 December 2026, 10:00–11:00 Berlin.
    const value = valueOf({ startsAt: '2026-12-05T10:00:00+01:00', endsAt: '2026-12-05T11:00:00+01:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12' });
    expect(value.startsAt.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(value.endsAt.toISOString()).toBe('2026-12-07T10:00:00.000Z');
    expect(value.requestedStartsAt?.toISOString()).toBe('2026-12-05T09:00:00.000Z');
    const dates = occurrencesOf({ ...value }, value.startsAt, new Date('2027-03-01'));
    expect(dates).toHaveLength(12);
    expect(dates[0].startsAt.toISOString()).toBe(value.startsAt.toISOString());
  });

  it('keeps the wall-clock time when the move crosses a change of summer time', () => {
    // Saturday 27 March 2027 08:00 CET; the Monday after is 29 March 08:00 CEST.
    const value = valueOf({ startsAt: '2027-03-27T08:00:00+01:00', endsAt: '2027-03-27T08:30:00+01:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' });
    expect(value.startsAt.toISOString()).toBe('2027-03-29T06:00:00.000Z');
    expect(value.endsAt.toISOString()).toBe('2027-03-29T06:30:00.000Z');
  });

  it('leaves a start that matches alone', () => {
    const value = valueOf({ recurrence: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4' });
    expect(value.startsAt.toISOString()).toBe('2027-01-11T07:00:00.000Z');
    expect(value.requestedStartsAt).toBeUndefined();
  });
});

describe('a stored series that cannot be expanded', () => {
  const stored = {
    id: 'm1',
    startsAt: new Date('2027-01-11T07:00:00Z'),
    endsAt: new Date('2027-01-11T08:00:00Z'),
    timezone: 'Europe/Berlin',
    rrule: 'FREQ=WEEKLY;BYDAY=undefined;COUNT=5',
  };

  it('throws MeetingScheduleInvalid (which the pages and jobs catch), not a TypeError', () => {
    expect(() => occurrencesOf(stored, new Date('2027-01-01'), new Date('2027-03-01'))).toThrow(MeetingScheduleInvalid);
    expect(scheduleIsValid(stored)).toBe(false);
    expect(scheduleIsValid({ ...stored, rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=5' })).toBe(true);
    expect(scheduleIsValid({ ...stored, rrule: null })).toBe(true);
  });
});

describe('parseRecurrence (the rule alone)', () => {
  it('never writes BYDAY=undefined', () => {
    expect(parseRecurrence('FREQ=WEEKLY;BYDAY=XX;COUNT=5')).toEqual({
      ok: false,
      message: 'recurrence has an unknown weekday: XX (use MO, TU, WE, TH, FR, SA or SU)',
    });
  });
});
