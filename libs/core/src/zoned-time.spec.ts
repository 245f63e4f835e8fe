import { canonicalTimeZone, isoWithOffset, parseIsoDateTime, zonedToUtc } from './zoned-time';

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

  it('refuses days and times that would roll over (30 February, 24:00) instead of moving them', () => {
    expect(zonedToUtc('2027-02-30', '08:00', 'Europe/Berlin')).toBeUndefined();
    expect(zonedToUtc('2027-02-29', '08:00', 'Europe/Berlin')).toBeUndefined();
    expect(zonedToUtc('2028-02-29', '08:00', 'Europe/Berlin')!.toISOString()).toBe('2028-02-29T07:00:00.000Z');
    expect(zonedToUtc('2027-03-01', '24:00', 'Europe/Berlin')).toBeUndefined();
    expect(zonedToUtc('2027-03-01', '08:60', 'Europe/Berlin')).toBeUndefined();
  });
});

describe('parseIsoDateTime', () => {
  it.each([
    ['2027-03-01T08:00:00+01:00', '2027-03-01T07:00:00.000Z'],
    ['2027-03-01T08:00+01:00', '2027-03-01T07:00:00.000Z'],
    ['2027-03-01T08:00:30.25Z', '2027-03-01T08:00:30.250Z'],
    ['2027-03-01T23:59:59-05:30', '2027-03-02T05:29:59.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseIsoDateTime(text)?.toISOString()).toBe(iso);
  });
  it.each([
    '2027-02-30T08:00:00+01:00',
    '2027-03-01T24:00:00+01:00',
    '2027-03-01T08:00:60Z',
    '2027-00-10T08:00Z',
    '2027-03-01T08:00+15:00',
    '2027-03-01T08:00:00',
  ])('refuses %s', (text) => {
    expect(parseIsoDateTime(text)).toBeUndefined();
  });
});

describe('canonicalTimeZone', () => {
  it('gives the IANA spelling whatever the case, and nothing for an unknown zone', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('EUROPE/BERLIN')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
  });
});
