import { buildIcs, icsUid, type IcsOptions } from './ics';

/** Unfolds RFC 5545 lines and returns them, without the VTIMEZONE (whose DTSTART/RRULE are the zone's). */
const lines = (ics: string) => ics.replace(/\r\n[ \t]/g, '').replace(/BEGIN:VTIMEZONE\r\n[\s\S]*?END:VTIMEZONE\r\n/g, '').split('\r\n');
const prop = (ics: string, name: string) => lines(ics).filter((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));

const base: IcsOptions = {
  method: 'REQUEST',
  meeting: {
    id: '4b7f0a52-7a3e-4d7e-9a37-0c2b8f1f9e11',
    title: 'Maths 7b; fractions, part "2"',
    description: 'Bring your exercise book.',
    // 08:00 in Berlin (CET) on Tuesday 1 December 2026.
    startsAt: new Date('2026-12-01T07:00:00Z'),
    endsAt: new Date('2026-12-01T08:00:00Z'),
    timezone: 'Europe/Berlin',
    rrule: null,
  },
  organizer: { name: 'Tina Teacher', email: 'teacher@school.test' },
  attendee: { name: 'Sam Student', email: 'student@school.test', role: 'participant' },
  sequence: 0,
  link: 'https://moderato.school.test/j/abc123',
};

describe('buildIcs', () => {
  it('writes a REQUEST with a stable UID, SEQUENCE, wall-clock times in the TZID, organizer, attendee and link', () => {
    const ics = buildIcs(base);
    expect(prop(ics, 'METHOD')).toEqual(['METHOD:REQUEST']);
    expect(prop(ics, 'UID')).toEqual([`UID:${base.meeting.id}@moderato`]);
    expect(icsUid(base.meeting.id)).toBe(`${base.meeting.id}@moderato`);
    expect(prop(ics, 'SEQUENCE')).toEqual(['SEQUENCE:0']);
    expect(prop(ics, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20261201T080000']);
    expect(prop(ics, 'DTEND')).toEqual(['DTEND;TZID=Europe/Berlin:20261201T090000']);
    expect(prop(ics, 'RRULE')).toEqual([]);
    expect(prop(ics, 'SUMMARY')).toEqual(['SUMMARY:Maths 7b\\; fractions\\, part "2"']);
    expect(prop(ics, 'ORGANIZER')[0]).toContain('mailto:teacher@school.test');
    const attendee = prop(ics, 'ATTENDEE')[0];
    expect(attendee).toMatch(/mailto:student@school\.test$/i);
    expect(attendee).toContain('ROLE=REQ-PARTICIPANT');
    expect(prop(ics, 'URL')[0]).toContain(base.link);
    expect(prop(ics, 'LOCATION')).toEqual([`LOCATION:${base.link}`]);
    expect(prop(ics, 'STATUS')).toEqual(['STATUS:CONFIRMED']);
  });

  it('does not depend on the process time zone (summer time in New York)', () => {
    const ics = buildIcs({
      ...base,
      meeting: { ...base.meeting, timezone: 'America/New_York', startsAt: new Date('2026-07-01T13:30:00Z'), endsAt: new Date('2026-07-01T14:15:00Z') },
    });
    expect(prop(ics, 'DTSTART')).toEqual(['DTSTART;TZID=America/New_York:20260701T093000']);
    expect(prop(ics, 'DTEND')).toEqual(['DTEND;TZID=America/New_York:20260701T101500']);
  });

  it('writes the canonical TZID (and its VTIMEZONE) for a zone stored in another case', () => {
    const ics = buildIcs({ ...base, meeting: { ...base.meeting, timezone: 'europe/berlin' } });
    expect(prop(ics, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20261201T080000']);
    expect(ics).toContain('TZID:Europe/Berlin');
    expect(ics).not.toContain('europe/berlin');
  });

  it('marks a moderator as CHAIR', () => {
    const ics = buildIcs({ ...base, attendee: { ...base.attendee, role: 'moderator' } });
    expect(prop(ics, 'ATTENDEE')[0]).toContain('ROLE=CHAIR');
  });

  it('carries the RRULE of a series, EXDATEs for cancelled and overrides for moved occurrences', () => {
    const ics = buildIcs({
      ...base,
      sequence: 3,
      meeting: {
        ...base.meeting,
        rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=10',
        recurrenceExceptions: [
          { occurrence: '2026-12-08T07:00:00.000Z', cancelled: true },
          { occurrence: '2026-12-15T07:00:00.000Z', startsAt: '2026-12-15T09:00:00.000Z', endsAt: '2026-12-15T10:00:00.000Z' },
        ],
      },
    });
    expect(prop(ics, 'RRULE')).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=10']);
    expect(prop(ics, 'EXDATE')).toEqual(['EXDATE;TZID=Europe/Berlin:20261208T080000']);
    expect(prop(ics, 'UID')).toEqual([`UID:${base.meeting.id}@moderato`, `UID:${base.meeting.id}@moderato`]);
    expect(prop(ics, 'RECURRENCE-ID')).toEqual(['RECURRENCE-ID;TZID=Europe/Berlin:20261215T080000']);
    expect(prop(ics, 'DTSTART')).toContain('DTSTART;TZID=Europe/Berlin:20261215T100000');
    expect(prop(ics, 'SEQUENCE')).toEqual(['SEQUENCE:3', 'SEQUENCE:3']);
  });

  it('writes a CANCEL with STATUS:CANCELLED and the same UID', () => {
    const ics = buildIcs({ ...base, method: 'CANCEL', sequence: 2 });
    expect(prop(ics, 'METHOD')).toEqual(['METHOD:CANCEL']);
    expect(prop(ics, 'UID')).toEqual([`UID:${base.meeting.id}@moderato`]);
    expect(prop(ics, 'SEQUENCE')).toEqual(['SEQUENCE:2']);
    expect(prop(ics, 'STATUS')).toEqual(['STATUS:CANCELLED']);
  });

  it('cancels one occurrence of a series by RECURRENCE-ID', () => {
    const ics = buildIcs({
      ...base,
      method: 'CANCEL',
      meeting: { ...base.meeting, rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=10' },
      occurrence: new Date('2026-12-22T07:00:00Z'),
    });
    expect(prop(ics, 'RRULE')).toEqual([]);
    expect(prop(ics, 'RECURRENCE-ID')).toEqual(['RECURRENCE-ID;TZID=Europe/Berlin:20261222T080000']);
    expect(prop(ics, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20261222T080000']);
  });
});
