import { isoWithOffset, zonedToUtc } from './zoned-time';

describe('zonedToUtc / isoWithOffset', () => {
  it.each([
    ['2026-12-01', '08:00', 'Europe/Berlin', '2026-12-01T07:00:00.000Z', '2026-12-01T08:00:00+01:00'],
    ['2026-07-01', '08:00', 'Europe/Berlin', '2026-07-01T06:00:00.000Z', '2026-07-01T08:00:00+02:00'],
    ['2026-07-01', '08:00', 'America/New_York', '2026-07-01T12:00:00.000Z', '2026-07-01T08:00:00-04:00'],
    ['2026-07-01', '08:00', 'UTC', '2026-07-01T08:00:00.000Z', '2026-07-01T08:00:00+00:00'],
    ['2026-07-01', '08:00', 'Asia/Kolkata', '2026-07-01T02:30:00.000Z', '2026-07-01T08:00:00+05:30'],
  ])('%s %s in %s', (day, time, zone, utc, iso) => {
    const instant = zonedToUtc(day, time, zone)!;
    expect(instant.toISOString()).toBe(utc);
    expect(isoWithOffset(instant, zone)).toBe(iso);
  });

  it('handles the spring-forward gap and the autumn repeat in Berlin', () => {
    expect(zonedToUtc('2026-03-29', '02:30', 'Europe/Berlin')!.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedToUtc('2026-10-25', '02:30', 'Europe/Berlin')!.toISOString()).toMatch(/^2026-10-25T0[01]:30:00.000Z$/);
  });

  it('refuses malformed input', () => {
    expect(zonedToUtc('2026-13-45', 'x', 'UTC')).toBeUndefined();
    expect(zonedToUtc('', '08:00', 'UTC')).toBeUndefined();
  });
});
