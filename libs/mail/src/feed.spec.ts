import ICAL from 'ical.js';
import { buildFeed } from './feed';
import { buildIcs, icsUid } from './ics';

const meeting = (id: string, startsAt: string, endsAt: string, timezone: string, rrule: string | null, cancelled: string[] = []) => ({
  id,
  title: `Lesson, ${id.slice(-1)}; room "A"`,
  description: '',
  startsAt: new Date(startsAt),
  endsAt: new Date(endsAt),
  timezone,
  rrule,
  recurrenceExceptions: cancelled.map((occurrence) => ({ occurrence, cancelled: true })),
});
const person = { name: 'Sam Student', email: 'student@school.test' };
const entry = (m: ReturnType<typeof meeting>) => ({
  meeting: m,
  organizer: { name: 'Tom Teacher', email: 'teacher@school.test' },
  attendee: { ...person, role: 'participant' as const },
  sequence: 1,
  link: `https://moderato.test/j/${m.id}`,
});

describe('buildFeed', () => {
  const series = meeting('00000000-0000-4000-8000-000000000001', '2027-03-22T07:00:00Z', '2027-03-22T07:45:00Z', 'Europe/Berlin', 'FREQ=WEEKLY;COUNT=3', [
    '2027-03-29T06:00:00.000Z',
  ]);
  const once = meeting('00000000-0000-4000-8000-000000000002', '2027-01-10T15:00:00Z', '2027-01-10T16:00:00Z', 'America/New_York', null);
  const berlin = meeting('00000000-0000-4000-8000-000000000003', '2026-12-10T09:00:00Z', '2026-12-10T10:00:00Z', 'Europe/Berlin', null);
  const stamp = new Date('2026-12-05T00:00:00Z');
  const text = buildFeed({ name: 'Moderato, Sam', entries: [entry(series), entry(once), entry(berlin)], stamp, refreshMinutes: 60 });

  it('is one calendar without METHOD, with a name, a refresh interval and one VTIMEZONE per zone', () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue('method')).toBeNull();
    expect(text).toContain('NAME:Moderato\\, Sam\r\n');
    expect(text).toContain('X-WR-CALNAME:Moderato\\, Sam\r\n');
    expect(text).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT60M\r\nX-PUBLISHED-TTL:PT60M\r\n');
    expect(calendar.getAllSubcomponents('vtimezone').map((tz) => tz.getFirstPropertyValue('tzid'))).toEqual(['Europe/Berlin', 'America/New_York']);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it("has each meeting's VEVENT exactly as its invitation's .ics (same UID), and ical.js expands the series without the cancelled date", () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
    const events = calendar.getAllSubcomponents('vevent');
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([icsUid(berlin.id), icsUid(once.id), icsUid(series.id)]);
    const mailed = buildIcs({ ...entry(series), method: 'REQUEST', stamp });
    const vevent = /BEGIN:VEVENT[\s\S]*?END:VEVENT\r\n/.exec(mailed)![0];
    expect(text).toContain(vevent);
    const iterator = new ICAL.Event(events[2]).iterator();
    const dates: string[] = [];
    for (let next = iterator.next(); next; next = iterator.next()) dates.push(next.toJSDate().toISOString());
    // Berlin 08:00 on the wall clock across the change to summer time (28 March 2027); 29 March cancelled.
    expect(dates).toEqual(['2027-03-22T07:00:00.000Z', '2027-04-05T06:00:00.000Z']);
  });
});
