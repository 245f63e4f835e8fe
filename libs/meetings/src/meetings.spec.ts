import { parseRecurrence } from './recurrence';
import { roomNameFor } from './room-name';

describe('roomNameFor', () => {
  it.each([
    ['Maths 7b', /^maths-7b-[a-z2-9]{12}$/],
    ['Übung: Größen & Maße!', /^ubung-grossen-masse-[a-z2-9]{12}$/],
    ['   ', /^meeting-[a-z2-9]{12}$/],
    ['日本語', /^meeting-[a-z2-9]{12}$/],
  ])('%p → %p', (title, pattern) => {
    expect(roomNameFor(title)).toMatch(pattern);
  });

  it('stays within 128 characters of a-z0-9- and differs every time', () => {
    const name = roomNameFor('x'.repeat(500));
    expect(name.length).toBeLessThanOrEqual(128);
    expect(name).toMatch(/^[a-z0-9-]+$/);
    expect(roomNameFor('Maths')).not.toBe(roomNameFor('Maths'));
  });
});

describe('parseRecurrence', () => {
  it.each(['FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10', 'RRULE:FREQ=DAILY;UNTIL=20261224T000000Z', 'FREQ=MONTHLY;COUNT=6'])('accepts %s', (rule) => {
    expect(parseRecurrence(rule).ok).toBe(true);
  });
  it.each([
    ['FREQ=WEEKLY', 'must end'],
    ['FREQ=HOURLY;COUNT=3', 'DAILY, WEEKLY or MONTHLY'],
    ['FREQ=DAILY;COUNT=5000', 'at most 500'],
    ['nonsense', 'RRULE'],
  ])('refuses %s', (rule, message) => {
    const result = parseRecurrence(rule);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});
