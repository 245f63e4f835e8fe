import { occurrencesOf } from './occurrences';

const berlinWeekly = {
  startsAt: new Date('2026-03-16T07:00:00Z'), // Monday 08:00 CET
  endsAt: new Date('2026-03-16T07:45:00Z'),
  timezone: 'Europe/Berlin',
  rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4',
};
const all = (meeting: Parameters<typeof occurrencesOf>[0], options = {}) => occurrencesOf(meeting, new Date('2026-01-01'), new Date('2027-01-01'), options);

describe('occurrencesOf', () => {
  it('keeps 08:00 Berlin time across the switch to summer time (29 March 2026)', () => {
    expect(all(berlinWeekly).map((o) => o.startsAt.toISOString())).toEqual([
      '2026-03-16T07:00:00.000Z',
      '2026-03-23T07:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
      '2026-04-06T06:00:00.000Z',
    ]);
    expect(all(berlinWeekly).every((o) => o.endsAt.getTime() - o.startsAt.getTime() === 45 * 60_000)).toBe(true);
  });

  it('and back across the end of summer time (25 October 2026)', () => {
    const autumn = {
      ...berlinWeekly,
      startsAt: new Date('2026-10-19T06:00:00Z'),
      endsAt: new Date('2026-10-19T06:45:00Z'),
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=2',
    };
    expect(all(autumn).map((o) => o.startsAt.toISOString())).toEqual(['2026-10-19T06:00:00.000Z', '2026-10-26T07:00:00.000Z']);
  });

  it('supports weekdays, daily and monthly series', () => {
    expect(all({ ...berlinWeekly, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3' }).map((o) => o.startsAt.toISOString().slice(0, 10))).toEqual([
      '2026-03-16',
      '2026-03-18',
      '2026-03-23',
    ]);
    expect(all({ ...berlinWeekly, rrule: 'FREQ=DAILY;COUNT=2' })).toHaveLength(2);
    expect(all({ ...berlinWeekly, rrule: 'FREQ=MONTHLY;COUNT=3' }).map((o) => o.startsAt.toISOString().slice(0, 10))).toEqual([
      '2026-03-16',
      '2026-04-16',
      '2026-05-16',
    ]);
  });

  it('applies exceptions: a cancelled occurrence disappears, a moved one moves', () => {
    const meeting = {
      ...berlinWeekly,
      recurrenceExceptions: [
        { occurrence: '2026-03-23T07:00:00.000Z', cancelled: true },
        { occurrence: '2026-03-30T06:00:00.000Z', startsAt: '2026-03-31T10:00:00.000Z', endsAt: '2026-03-31T11:00:00.000Z' },
      ],
    };
    expect(all(meeting).map((o) => o.startsAt.toISOString())).toEqual(['2026-03-16T07:00:00.000Z', '2026-03-31T10:00:00.000Z', '2026-04-06T06:00:00.000Z']);
    expect(
      all(meeting, { includeCancelled: true })
        .find((o) => o.cancelled)
        ?.occurrence.toISOString(),
    ).toBe('2026-03-23T07:00:00.000Z');
  });

  it('gives a one-off meeting one occurrence, within the range only', () => {
    const once = { ...berlinWeekly, rrule: null };
    expect(all(once)).toHaveLength(1);
    expect(occurrencesOf(once, new Date('2026-04-01'), new Date('2026-05-01'))).toEqual([]);
  });
});
