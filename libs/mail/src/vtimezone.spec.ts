import { zoneOffsetMs } from '@moderato/core';
import { buildIcs } from './ics';
import { vtimezone } from './vtimezone';

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** "+0130" → ms */
const offsetMs = (text: string) => (text.startsWith('-') ? -1 : 1) * (Number(text.slice(1, 3)) * 60 + Number(text.slice(3, 5))) * 60_000;

/** "20250330T020000" as if it were UTC (a local wall-clock time) → ms */
const wallMs = (text: string) =>
  Date.UTC(+text.slice(0, 4), +text.slice(4, 6) - 1, +text.slice(6, 8), +text.slice(9, 11), +text.slice(11, 13), +text.slice(13, 15));

/**
 * A small, independent reader of the VTIMEZONE: every onset of every observance (DTSTART, and its
 * yearly RRULE by month and nth/last weekday) as a UTC instant, then the offset at an instant is
 * TZOFFSETTO of the last onset before it — what a calendar program does with it.
 */
function offsetFromVtimezone(text: string, at: Date, untilYear: number): number {
  const onsets: { at: number; to: number }[] = [];
  for (const block of text.split(/BEGIN:(?:STANDARD|DAYLIGHT)\r\n/).slice(1)) {
    const field = (name: string) =>
      /^(.*)$/m.exec(
        block
          .split('\r\n')
          .find((line) => line.startsWith(`${name}:`))
          ?.slice(name.length + 1) ?? '',
      )?.[1];
    const from = offsetMs(field('TZOFFSETFROM')!);
    const to = offsetMs(field('TZOFFSETTO')!);
    const start = field('DTSTART')!;
    onsets.push({ at: wallMs(start) - from, to });
    const rrule = field('RRULE');
    if (!rrule) continue;
    const month = Number(/BYMONTH=(\d+)/.exec(rrule)![1]);
    const [, nth, weekday] = /BYDAY=(-?\d)([A-Z]{2})/.exec(rrule)!;
    const timeOfDay = wallMs(start) % 86_400_000;
    for (let year = Number(start.slice(0, 4)) + 1; year <= untilYear; year += 1) {
      const days: number[] = [];
      for (let day = 1; day <= 31; day += 1) {
        const date = new Date(Date.UTC(year, month - 1, day));
        if (date.getUTCMonth() === month - 1 && WEEKDAYS[date.getUTCDay()] === weekday) days.push(day);
      }
      const day = nth === '-1' ? days[days.length - 1] : days[Number(nth) - 1];
      onsets.push({ at: Date.UTC(year, month - 1, day) + timeOfDay - from, to });
    }
  }
  const before = onsets.filter((onset) => onset.at <= at.getTime()).sort((a, b) => b.at - a.at);
  if (!before.length) throw new Error(`no observance covers ${at.toISOString()}`);
  return before[0].to;
}

describe('vtimezone', () => {
  it('writes the yearly rules of Europe/Berlin (last Sunday of March and October) from the year before the meeting', () => {
    const text = vtimezone('Europe/Berlin', new Date('2026-12-01T07:00:00Z'));
    expect(text.split('\r\n')).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'X-LIC-LOCATION:Europe/Berlin',
      'BEGIN:DAYLIGHT',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'DTSTART:20250330T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'DTSTART:20251026T030000',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
  });

  it('knows the second Sunday (New York), the southern hemisphere (Sydney) and zones without changes (Tokyo, Mexico City since 2022)', () => {
    const at = new Date('2026-06-15T12:00:00Z');
    expect(vtimezone('America/New_York', at)).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU');
    expect(vtimezone('America/New_York', at)).toContain('RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU');
    const sydney = vtimezone('Australia/Sydney', at);
    expect(sydney).toMatch(/BEGIN:DAYLIGHT\r\nTZOFFSETFROM:\+1000\r\nTZOFFSETTO:\+1100\r\nDTSTART:20251005T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU/);
    expect(vtimezone('Asia/Tokyo', at)).toContain('BEGIN:STANDARD\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nDTSTART:19700101T000000\r\nEND:STANDARD');
    expect(vtimezone('America/Mexico_City', at)).toContain('TZOFFSETFROM:-0600\r\nTZOFFSETTO:-0600');
    expect(vtimezone('America/Mexico_City', at)).not.toContain('DAYLIGHT');
  });

  it.each([
    'Europe/Berlin',
    'Europe/London',
    'Europe/Dublin',
    'America/New_York',
    'America/Sao_Paulo',
    'America/Santiago',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Kolkata',
    'Africa/Casablanca',
    'Asia/Tehran',
  ])('%s: a calendar reading it gets the offset Node.js has, every 5 days and 7 hours for two years', (zone) => {
    const from = new Date('2026-09-01T00:00:00Z');
    const text = vtimezone(zone, from);
    for (let t = from.getTime(); t < from.getTime() + 2 * 365 * 86_400_000; t += 5 * 86_400_000 + 7 * 3_600_000) {
      const at = new Date(t);
      expect({ at: at.toISOString(), offset: offsetFromVtimezone(text, at, 2030) }).toEqual({ at: at.toISOString(), offset: zoneOffsetMs(at, zone) });
    }
  });

  it('is part of every .ics whose times name a zone, before the event', () => {
    const ics = buildIcs({
      method: 'REQUEST',
      meeting: {
        id: 'm-1',
        title: 'Assembly',
        description: '',
        startsAt: new Date('2026-12-01T07:00:00Z'),
        endsAt: new Date('2026-12-01T08:00:00Z'),
        timezone: 'America/New_York',
        rrule: null,
      },
      organizer: { name: 'Tina', email: 'tina@school.test' },
      attendee: { name: 'Sam', email: 'sam@school.test', role: 'participant' },
      sequence: 0,
      link: 'https://moderato.school.test/j/abc',
      stamp: new Date('2026-11-20T10:00:00Z'),
    });
    expect(ics).toContain('DTSTART;TZID=America/New_York:20261201T020000');
    const timezoneAt = ics.indexOf('BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n');
    expect(timezoneAt).toBeGreaterThan(0);
    expect(timezoneAt).toBeLessThan(ics.indexOf('BEGIN:VEVENT'));
    expect(ics.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1);
  });
});
