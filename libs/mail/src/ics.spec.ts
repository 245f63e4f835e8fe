import { buildIcs, icsUid, type IcsOptions } from './ics';

/** Unfolds RFC 5545 lines and returns them, without the VTIMEZONE (whose DTSTART/RRULE are the zone's). */
const lines = (ics: string) =>
  ics
    .replace(/\r\n[ \t]/g, '')
    .replace(/BEGIN:VTIMEZONE\r\n[\s\S]*?END:VTIMEZONE\r\n/g, '')
    .split('\r\n');
const prop = (ics: string, name: string) => lines(ics).filter((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));

/**
 * An independent, strict reader of one unfolded content line (RFC 5545 §3.1):
 * name *(";" param-name "=" param-value *("," param-value)) ":" value, where a param-value is
 * either paramtext (no CONTROL, DQUOTE, ";", ":", ",") or DQUOTE *QSAFE-CHAR DQUOTE (no CONTROL,
 * no DQUOTE: RFC 5545 has no escape inside quotes). Quoted values are then decoded per RFC 6868
 * (^' → ", ^n → line break, ^^ → ^). Throws where a strict parser would refuse the line.
 */
function readContentLine(line: string): { name: string; params: [string, string][]; value: string } {
  // eslint-disable-next-line no-control-regex -- CONTROL of RFC 5545: any control character but HTAB
  const control = /[\u0000-\u0008\u000a-\u001f\u007f]/;
  if (control.test(line)) throw new Error(`control character in ${JSON.stringify(line)}`);
  const name = /^[A-Za-z0-9-]+/.exec(line)?.[0];
  if (!name) throw new Error(`no property name: ${line}`);
  let i = name.length;
  const params: [string, string][] = [];
  const decode = (quoted: string) => quoted.replace(/\^(\^|n|')/g, (_, c: string) => (c === '^' ? '^' : c === 'n' ? '\n' : '"'));
  while (line[i] === ';') {
    const paramName = /^[A-Za-z0-9-]+/.exec(line.slice(i + 1))?.[0];
    if (!paramName || line[i + 1 + paramName.length] !== '=') throw new Error(`bad parameter at ${line.slice(i)}`);
    i += 2 + paramName.length;
    for (;;) {
      let value: string;
      if (line[i] === '"') {
        const end = line.indexOf('"', i + 1);
        if (end < 0) throw new Error(`unterminated quoted value at ${line.slice(i)}`);
        value = decode(line.slice(i + 1, end));
        i = end + 1;
      } else {
        const text = /^[^";:,]*/.exec(line.slice(i))![0];
        value = text;
        i += text.length;
      }
      params.push([paramName.toUpperCase(), value]);
      if (line[i] !== ',') break;
      i += 1;
    }
  }
  if (line[i] !== ':') throw new Error(`expected ":" at ${JSON.stringify(line.slice(i))} in ${line}`);
  return { name: name.toUpperCase(), params, value: line.slice(i + 1) };
}

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
  stamp: new Date('2026-11-20T10:00:00Z'),
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

  describe('names and titles from people (quotes, separators, control characters)', () => {
    const tricky = 'Sam "The Boss" O\'Neil; ROLE=CHAIR:mailto:evil@x.test, ^caret \\back\u0007slash';
    const ics = buildIcs({
      ...base,
      meeting: { ...base.meeting, title: 'Maths\r\nATTENDEE:mailto:evil@x.test\u0000 7b', description: 'Line 1\r\nLine 2\u0008' },
      organizer: { name: 'Tina\r\nX-INJECTED:1 "Teacher"', email: 'teacher@school.test' },
      attendee: { name: tricky, email: 'student@school.test', role: 'participant' },
    });

    it('every line is a valid content line of at most 75 octets, with no control characters', () => {
      const physical = ics.split('\r\n');
      expect(physical.filter((line) => Buffer.byteLength(line, 'utf8') > 75)).toEqual([]);
      const unfolded = lines(ics).filter(Boolean);
      for (const line of unfolded) expect(() => readContentLine(line)).not.toThrow();
      expect(unfolded.filter((line) => /^(X-INJECTED|ATTENDEE:)/.test(line))).toEqual([]);
    });

    it("quotes CN per RFC 6868 (^' for a double quote), so a strict parser reads back the name and no injected parameter", () => {
      const attendee = readContentLine(prop(ics, 'ATTENDEE')[0]);
      expect(attendee.params.map(([name]) => name)).toEqual(['ROLE', 'PARTSTAT', 'RSVP', 'CN']);
      expect(Object.fromEntries(attendee.params)).toMatchObject({
        ROLE: 'REQ-PARTICIPANT',
        CN: 'Sam "The Boss" O\'Neil; ROLE=CHAIR:mailto:evil@x.test, ^caret \\backslash',
      });
      expect(attendee.value).toBe('MAILTO:student@school.test');
      expect(prop(ics, 'ATTENDEE')[0]).not.toContain('\\"');
      const organizer = readContentLine(prop(ics, 'ORGANIZER')[0]);
      expect(organizer.params).toEqual([['CN', 'Tina X-INJECTED:1 "Teacher"']]);
      expect(organizer.value).toBe('mailto:teacher@school.test');
    });

    it("writes the title on one line without control characters, and keeps the description's lines", () => {
      expect(prop(ics, 'SUMMARY')).toEqual(['SUMMARY:Maths ATTENDEE:mailto:evil@x.test 7b']);
      expect(prop(ics, 'DESCRIPTION')[0]).toBe(`DESCRIPTION:Line 1\\nLine 2\\n\\n${base.link}`);
    });

    it('folds long names with non-ASCII letters between characters, never inside one', () => {
      const long = buildIcs({ ...base, attendee: { ...base.attendee, name: 'Zoë Ünal-Østergård '.repeat(8).trim() } });
      for (const line of long.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(long).not.toContain('\ufffd');
      expect(Object.fromEntries(readContentLine(prop(long, 'ATTENDEE')[0]).params).CN).toBe('Zoë Ünal-Østergård '.repeat(8).trim());
    });
  });
});
