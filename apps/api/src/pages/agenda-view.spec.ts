import { translator } from '@moderato/i18n';
import { addDays, durationText, localDay, mondayOf, startOfDay } from './agenda-view';

const MIN = 60_000;

describe('durationText: the time until a join window opens, in the page language with its plural rules', () => {
  it.each([
    [30 * 1000, 'en', '1 min'],
    [5 * MIN, 'en', '5 min'],
    [130 * MIN, 'en', '2 h 10 min'],
    [120 * MIN, 'en', '2 h'],
    [(24 * 60 + 61) * MIN, 'en', '1 day 1 h'],
    [3 * 24 * 60 * MIN, 'en', '3 days'],
    [(24 * 60 + 61) * MIN, 'de', '1 Tag 1 Std.'],
    [(3 * 24 * 60 + 5) * MIN, 'de', '3 Tagen'],
    [130 * MIN, 'de', '2 Std. 10 Min.'],
  ] as const)('%d ms in %s: %s', (ms, locale, text) => {
    expect(durationText(ms, translator(locale))).toBe(text);
  });
});

describe("the reader's calendar days", () => {
  it('reads the local date of an instant in a zone', () => {
    expect(localDay(new Date('2026-12-07T23:30:00Z'), 'Europe/Berlin')).toBe('2026-12-08');
    expect(localDay(new Date('2026-12-07T23:30:00Z'), 'UTC')).toBe('2026-12-07');
    expect(localDay(new Date('2026-12-08T03:00:00Z'), 'America/New_York')).toBe('2026-12-07');
  });

  it('finds the Monday of a week, across months and years', () => {
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
    expect(mondayOf('2026-12-13')).toBe('2026-12-07');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
    expect(addDays('2027-02-26', 7)).toBe('2027-03-05');
  });

  it('starts a day at its local midnight, also on a day whose length changes', () => {
    expect(startOfDay('2027-03-28', 'Europe/Berlin').toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(startOfDay('2027-03-29', 'Europe/Berlin').toISOString()).toBe('2027-03-28T22:00:00.000Z');
    // Midnight does not exist in Santiago on the day summer time starts: the day begins at 01:00.
    expect(startOfDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });
});
