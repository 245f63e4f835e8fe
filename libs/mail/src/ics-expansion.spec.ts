import ICAL from 'ical.js';
import { checkSchedule, describeRecurrence, occurrencesOf } from '@moderato/meetings';
import { buildIcs } from './ics';
import { formatWhen, renderMail } from './templates';

/**
 * What a calendar does with the exported entry: Mozilla's ical.js (the engine of Thunderbird)
 * expands the .ics, and its dates must be the dates Moderato lists and mails. Each series is
 * saved through checkSchedule (as the service stores it), across a change of summer time in
 * Europe/Berlin (28 March 2027, 31 October 2027).
 */
const zone = 'Europe/Berlin';
const rules = { now: new Date('2026-12-04T12:00:00Z'), isNew: true, maxMeetingMinutes: 600 };

function saved(startsAt: string, endsAt: string, recurrence: string) {
  const result = checkSchedule({ startsAt, endsAt, timezone: zone, recurrence }, rules);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { id: '00000000-0000-4000-8000-000000000001', title: 'Maths', description: '', ...result.value };
}

/** The start instants ical.js expands from the .ics (VTIMEZONE registered as a calendar would). */
function icalJsDates(ics: string): string[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  const iterator = event.iterator();
  const dates: string[] = [];
  for (let next = iterator.next(); next && dates.length < 600; next = iterator.next()) dates.push(next.toJSDate().toISOString());
  return dates;
}

const SHAPES: [string, string, string, string][] = [
  // [name, start, end, rule]
  ['Monday/Thursday chosen on a Saturday', '2027-03-20T10:00:00+01:00', '2027-03-20T11:00:00+01:00', 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12'],
  ['weekly on the start weekday', '2027-03-15T08:00:00+01:00', '2027-03-15T08:45:00+01:00', 'FREQ=WEEKLY;COUNT=6'],
  ['daily', '2027-03-24T07:30:00+01:00', '2027-03-24T08:00:00+01:00', 'FREQ=DAILY;COUNT=10'],
  ['every other day until a date', '2027-03-21T18:00:00+01:00', '2027-03-21T19:00:00+01:00', 'FREQ=DAILY;INTERVAL=2;UNTIL=20270405'],
  ['every 2 weeks on Tuesday and Friday', '2027-03-09T16:00:00+01:00', '2027-03-09T17:00:00+01:00', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;COUNT=8'],
  ['monthly on the start day', '2027-02-26T09:00:00+01:00', '2027-02-26T10:00:00+01:00', 'FREQ=MONTHLY;COUNT=4'],
  [
    'the last Sunday of the month (the day of the change) chosen on a 1st',
    '2027-03-01T10:00:00+01:00',
    '2027-03-01T11:00:00+01:00',
    'FREQ=MONTHLY;BYDAY=-1SU;COUNT=3',
  ],
  ['the 1st and 15th chosen on the 10th', '2027-02-10T12:00:00+01:00', '2027-02-10T12:30:00+01:00', 'FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6'],
  [
    'weekends chosen on a Wednesday, until a UTC time',
    '2027-10-20T18:00:00+02:00',
    '2027-10-20T19:00:00+02:00',
    'FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20271110T000000Z',
  ],
  ['working days chosen on a Saturday', '2027-10-23T09:00:00+02:00', '2027-10-23T09:30:00+02:00', 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10'],
  ['the last working day of the month', '2027-09-01T15:00:00+02:00', '2027-09-01T16:00:00+02:00', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3'],
  ['late evening weekly on Sunday chosen on a Friday', '2027-10-22T23:30:00+02:00', '2027-10-23T00:15:00+02:00', 'FREQ=WEEKLY;BYDAY=SU;COUNT=3'],
];

describe('a series as calendars see it: ical.js expands the .ics to the dates Moderato lists and mails', () => {
  it.each(SHAPES)('%s', (_name, startsAt, endsAt, rule) => {
    const meeting = saved(startsAt, endsAt, rule);
    const ics = buildIcs({
      method: 'REQUEST',
      meeting,
      organizer: { name: 'Tina', email: 'tina@school.test' },
      attendee: { name: 'Sam', email: 'sam@school.test', role: 'participant' },
      sequence: 0,
      link: 'https://moderato.test/j/x',
      stamp: rules.now,
    });
    const listed = occurrencesOf(meeting, new Date('2027-01-01'), new Date('2028-12-31')).map((o) => o.startsAt.toISOString());
    const calendar = icalJsDates(ics);
    expect(calendar).toEqual(listed);
    // The first date calendars show is the stored start (DTSTART), and the invitation mail names it.
    expect(calendar[0]).toBe(meeting.startsAt.toISOString());
    for (const locale of ['en', 'de'] as const) {
      const mail = renderMail({
        kind: 'invite',
        locale,
        productName: 'Moderato',
        invitation: { email: 'sam@school.test', name: 'Sam', role: 'participant' },
        meeting,
        organizer: { name: 'Tina', email: 'tina@school.test' },
        link: 'https://moderato.test/j/x',
        timezone: zone,
      });
      expect(mail.text).toContain(formatWhen(new Date(calendar[0]), meeting.endsAt, locale, zone));
      expect(mail.text).toContain(describeRecurrence(meeting.rrule!, locale, zone, meeting.startsAt));
      // Each reminder names its own date: the dates of the calendar, one by one.
      for (const date of calendar.slice(0, 3)) {
        const reminder = renderMail({
          ...mail,
          kind: 'reminder',
          locale,
          productName: 'Moderato',
          invitation: { email: 'sam@school.test', name: 'Sam', role: 'participant' },
          meeting,
          link: 'x',
          timezone: zone,
          occurrence: date,
        });
        const end = new Date(new Date(date).getTime() + meeting.endsAt.getTime() - meeting.startsAt.getTime());
        expect(reminder.text).toContain(formatWhen(new Date(date), end, locale, zone));
      }
    }
    const count = /COUNT=(\d+)/.exec(rule);
    if (count) expect(calendar).toHaveLength(Number(count[1]));
  });

  it('the Saturday-chosen Monday/Thursday series starts on Monday 22 March 10:00 and keeps 10:00 after the change', () => {
    const meeting = saved('2027-03-20T10:00:00+01:00', '2027-03-20T11:00:00+01:00', 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12');
    expect(meeting.startsAt.toISOString()).toBe('2027-03-22T09:00:00.000Z');
    const dates = occurrencesOf(meeting, new Date('2027-01-01'), new Date('2027-12-31')).map((o) => o.startsAt.toISOString());
    expect(dates.slice(0, 4)).toEqual(['2027-03-22T09:00:00.000Z', '2027-03-25T09:00:00.000Z', '2027-03-29T08:00:00.000Z', '2027-04-01T08:00:00.000Z']);
  });
});
