import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { FixedClock } from '@moderato/core';
import { JitsiServersService } from '@moderato/jitsi';
import { ReminderTopUpService, resolveMailOptions } from '@moderato/mail';
import { Meeting, ReminderTopUpLock, RemindersService } from '@moderato/meetings';
import { User } from '@moderato/identity';
import { Factories } from '@moderato/testing';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

/**
 * A schedule is validated as strictly as a calendar would: the API answers 400 with a field
 * message, the form is re-shown with the error beside the field (English and German), and a
 * series stored before these checks never breaks anything else.
 */
describe('schedules are validated as strictly as a calendar would', () => {
  let env: SignedInApi;
  let teacher: TestAgent;
  let csrf: string;
  let dataSource: DataSource;
  // Monday 4 January 2027, 07:00 in Berlin.
  const clock = new FixedClock(new Date('2027-01-04T06:00:00Z'));

  const post = (body: object) => teacher.post('/api/v1/meetings').set('x-csrf-token', csrf).send(body);
  const meeting = (overrides: object = {}) => ({
    title: 'Maths 7b',
    startsAt: '2027-01-11T08:00:00+01:00',
    endsAt: '2027-01-11T08:45:00+01:00',
    timezone: 'Europe/Berlin',
    invitees: [{ email: 'student@school.test' }],
    ...overrides,
  });
  const meetingCount = () => dataSource.getRepository(Meeting).count();

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    teacher = await env.signIn('teacher@school.test');
    csrf = await env.csrf(teacher);
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('the API', () => {
    const minutes = Array.from({ length: 60 }, (_, i) => i).join(',');
    const hours = Array.from({ length: 24 }, (_, i) => i).join(',');
    it.each([
      [
        'an unknown weekday (was stored as BYDAY=undefined)',
        { recurrence: 'FREQ=WEEKLY;BYDAY=XX;COUNT=5' },
        'recurrence',
        'recurrence has an unknown weekday: XX (use MO, TU, WE, TH, FR, SA or SU)',
      ],
      ['an unknown part', { recurrence: 'FREQ=WEEKLY;COUNT=5;COLOR=RED' }, 'recurrence', 'recurrence has a part Moderato does not know: COLOR'],
      ['COUNT=0', { recurrence: 'FREQ=WEEKLY;COUNT=0' }, 'recurrence', 'COUNT must be a whole number from 1 to 500'],
      ['INTERVAL=0', { recurrence: 'FREQ=WEEKLY;INTERVAL=0;COUNT=5' }, 'recurrence', 'INTERVAL must be a whole number from 1 to 52'],
      ['UNTIL before the start', { recurrence: 'FREQ=WEEKLY;UNTIL=20261231T000000Z' }, 'recurrence', 'UNTIL is before the start of the meeting'],
      ['BYHOUR', { recurrence: 'FREQ=DAILY;BYHOUR=8,14;COUNT=5' }, 'recurrence', 'recurrence may repeat at most once a day: BYHOUR is not allowed'],
      ['FREQ=HOURLY', { recurrence: 'FREQ=HOURLY;COUNT=5' }, 'recurrence', 'recurrence must repeat DAILY, WEEKLY or MONTHLY (at most once a day)'],
      [
        'every hour and minute until +60 days (86,370 dates a person)',
        { recurrence: `FREQ=DAILY;BYHOUR=${hours};BYMINUTE=${minutes};UNTIL=20270312T000000Z` },
        'recurrence',
        'recurrence may repeat at most once a day: BYHOUR is not allowed',
      ],
      [
        'a daily UNTIL rule with more than 500 dates',
        { recurrence: 'FREQ=DAILY;UNTIL=20290101T000000Z' },
        'recurrence',
        'recurrence may have at most 500 occurrences',
      ],
      [
        '30 February (was stored as 2 March)',
        { startsAt: '2027-02-30T08:00:00+01:00', endsAt: '2027-02-30T08:45:00+01:00' },
        'startsAt',
        'startsAt is not a date and time of the calendar: 2027-02-30T08:00:00+01:00',
      ],
      [
        'T24:00',
        { startsAt: '2027-01-11T24:00:00+01:00', endsAt: '2027-01-12T00:45:00+01:00' },
        'startsAt',
        'startsAt is not a date and time of the calendar: 2027-01-11T24:00:00+01:00',
      ],
      [
        'a year before 2000',
        { startsAt: '1999-01-11T08:00:00+01:00', endsAt: '1999-01-11T08:45:00+01:00' },
        'startsAt',
        'startsAt must be in the years 2000 to 2100',
      ],
      [
        'a year after 2100',
        { startsAt: '2101-01-11T08:00:00+01:00', endsAt: '2101-01-11T08:45:00+01:00' },
        'startsAt',
        'startsAt must be in the years 2000 to 2100',
      ],
      [
        'a new meeting in the past (invitations went out, Start answered 410)',
        { startsAt: '2027-01-04T06:30:00+01:00', endsAt: '2027-01-04T07:30:00+01:00' },
        'startsAt',
        'startsAt is in the past: a new meeting must start in the future',
      ],
    ])('refuses %s: 400 with a field message, nothing saved', async (_name, overrides, field, message) => {
      const before = await meetingCount();
      const res = await post(meeting(overrides)).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.details).toContainEqual({ field, messages: expect.arrayContaining([message]) });
      expect(await meetingCount()).toBe(before);
    });

    it('accepts a start up to 5 minutes in the past (a form sent a little late)', async () => {
      await post(meeting({ startsAt: '2027-01-04T06:57:00+01:00', endsAt: '2027-01-04T07:30:00+01:00' })).expect(201);
    });

    it('refuses a bad rule on PATCH too, and keeps the meeting as it was', async () => {
      const { body } = await post(meeting({ recurrence: 'FREQ=WEEKLY;COUNT=3' })).expect(201);
      const res = await teacher
        .patch(`/api/v1/meetings/${body.id}`)
        .set('x-csrf-token', csrf)
        .send({ recurrence: 'FREQ=WEEKLY;BYDAY=XX;COUNT=3', version: 1 })
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'recurrence', messages: ['recurrence has an unknown weekday: XX (use MO, TU, WE, TH, FR, SA or SU)'] }]);
      expect(await dataSource.getRepository(Meeting).findOneByOrFail({ id: body.id })).toMatchObject({ rrule: 'FREQ=WEEKLY;COUNT=3', version: 1 });
    });

    it('accepts a time zone in any case and stores (and writes in the .ics) its canonical name', async () => {
      const { body } = await post(meeting({ timezone: 'europe/berlin' })).expect(201);
      expect(body.timezone).toBe('Europe/Berlin');
      expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id: body.id })).timezone).toBe('Europe/Berlin');
      const ics = await teacher.get(`/meetings/${body.id}/calendar.ics`).expect(200);
      expect(ics.text).toContain('DTSTART;TZID=Europe/Berlin:20270111T080000');
      expect(ics.text).not.toContain('europe/berlin');
    });

    it('rounds a start with seconds to the minute: the first occurrence is startsAt, and it can be cancelled', async () => {
      const { body } = await post(
        meeting({ startsAt: '2027-01-11T08:00:20+01:00', endsAt: '2027-01-11T08:45:20+01:00', recurrence: 'FREQ=WEEKLY;COUNT=3' }),
      ).expect(201);
      expect(body.startsAt).toBe('2027-01-11T07:00:00.000Z');
      expect(body.endsAt).toBe('2027-01-11T07:45:00.000Z');
      const occurrences = await teacher.get(`/api/v1/meetings/${body.id}/occurrences`).expect(200);
      expect(occurrences.body[0].occurrence).toBe(body.startsAt);
      const cancelled = await teacher
        .patch(`/api/v1/meetings/${body.id}/occurrences/${body.startsAt}`)
        .set('x-csrf-token', csrf)
        .send({ cancelled: true, version: 1 })
        .expect(200);
      expect(cancelled.body.recurrenceExceptions).toEqual([{ occurrence: '2027-01-11T07:00:00.000Z', cancelled: true }]);
    });
  });

  describe('the form', () => {
    const form = (fields: Record<string, string>, language = 'en') => {
      let req = teacher.post(`/meetings?_csrf=${encodeURIComponent(csrf)}`).set('Accept-Language', language);
      for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
      return req;
    };
    const valid = {
      title: 'Physics 9a',
      date: '2027-01-11',
      startTime: '08:00',
      endTime: '08:45',
      timezone: 'Europe/Berlin',
      repeat: 'none',
      count: '10',
      joinBefore: '10',
    };
    /** The error messages shown beside one field of the re-shown form. */
    const errorsBeside = (html: string, field: string) => {
      const block = new RegExp(`<div class="field has-error">\\s*<label for="f-${field}">[\\s\\S]*?</div>`).exec(html)?.[0] ?? '';
      return [...block.matchAll(/<p class="field-error"[^>]*>([^<]*)<\/p>/g)].map((match) => match[1]);
    };

    it.each([
      ['en', { date: '2027-02-30' }, 'date', '2027-02-30 is not a date of the calendar'],
      ['de', { date: '2027-02-30' }, 'date', '2027-02-30 ist kein Datum des Kalenders'],
      ['en', { startTime: '24:00' }, 'startTime', '24:00 is not a time of day (00:00 to 23:59)'],
      ['de', { startTime: '24:00' }, 'startTime', '24:00 ist keine Uhrzeit (00:00 bis 23:59)'],
      ['en', { date: '2027-01-03' }, 'date', 'this start is in the past: a new meeting must start in the future'],
      ['de', { date: '2027-01-03' }, 'date', 'dieser Beginn liegt in der Vergangenheit: Eine neue Besprechung muss in der Zukunft beginnen'],
      ['de', { date: '1999-01-11' }, 'date', 'das Datum muss in den Jahren 2000 bis 2100 liegen'],
      ['de', { endTime: '07:30' }, 'endTime', 'das Ende muss nach dem Beginn liegen'],
      // The DTO's English messages, said to people in the page's language.
      ['en', { title: '' }, 'title', 'Enter a title'],
      ['de', { title: '' }, 'title', 'Geben Sie einen Titel ein'],
      ['en', { joinBefore: '300' }, 'joinBefore', 'The meeting can open at most 240 minutes before it starts'],
      ['de', { joinBefore: '300' }, 'joinBefore', 'Die Besprechung kann höchstens 240 Minuten vor Beginn öffnen'],
    ])('(%s) re-shows %j with the error beside the field and the input kept; nothing saved', async (language, fields, field, message) => {
      const before = await meetingCount();
      const res = await form({ ...valid, ...fields }, language).expect(400);
      expect(errorsBeside(res.text, field)).toContain(message);
      for (const value of Object.values(fields)) expect(res.text).toContain(`value="${value}"`);
      expect(await meetingCount()).toBe(before);
    });
  });

  describe('a series stored before these checks', () => {
    let broken: Meeting;
    let brokenCode: string;
    let valid: { id: string };

    beforeAll(async () => {
      const factories = new Factories(dataSource);
      const organizer = await dataSource.getRepository(User).findOneByOrFail({ email: 'teacher@school.test' });
      const [server] = await env.api.app.get(JitsiServersService).list();
      // As the old code stored FREQ=WEEKLY;BYDAY=XX;COUNT=5.
      ({ meeting: broken } = await factories.meeting({
        organizer,
        server,
        overrides: {
          title: 'Broken series',
          startsAt: new Date('2027-01-05T07:00:00Z'),
          endsAt: new Date('2027-01-05T08:00:00Z'),
          rrule: 'FREQ=WEEKLY;BYDAY=undefined;COUNT=5',
        },
      }));
      ({ code: brokenCode } = await factories.invitation(broken, { email: 'student@school.test' }));
      ({ body: valid } = await post(
        meeting({ title: 'Daily stand-up', startsAt: '2027-01-05T08:00:00+01:00', endsAt: '2027-01-05T08:15:00+01:00', recurrence: 'FREQ=DAILY;COUNT=90' }),
      ).expect(201));
    });

    it("the organizer's list pages answer 200 and mark it", async () => {
      const page = await teacher.get('/meetings').set('Accept-Language', 'en').expect(200);
      expect(page.text).toContain('Broken series');
      expect(page.text).toContain('Daily stand-up');
      expect(page.text).toMatch(/data-schedule-invalid>schedule invalid</);
      await teacher.get('/api/v1/meetings').expect(200);
    });

    it('its page answers 200 with "this schedule is invalid — edit it" (English and German), and its edit form opens', async () => {
      const en = await teacher.get(`/meetings/${broken.id}`).set('Accept-Language', 'en').expect(200);
      expect(en.text).toContain('This schedule is invalid — edit it.');
      expect(en.text).toContain(`href="/meetings/${broken.id}/edit"`);
      const de = await teacher.get(`/meetings/${broken.id}`).set('Accept-Language', 'de').expect(200);
      expect(de.text).toContain('Dieser Terminplan ist ungültig — bitte bearbeiten.');
      await teacher.get(`/meetings/${broken.id}/edit`).expect(200);
      const other = await teacher.get(`/meetings/${valid.id}`).set('Accept-Language', 'en').expect(200);
      expect(other.text).not.toContain('This schedule is invalid');
    });

    it('its occurrences, Start and personal links answer with the reason, not a 500', async () => {
      const occurrences = await teacher.get(`/api/v1/meetings/${broken.id}/occurrences`).expect(409);
      expect(occurrences.body).toMatchObject({ statusCode: 409, code: 'MEETING_SCHEDULE_INVALID' });
      const start = await teacher.get(`/meetings/${broken.id}/start`).set('Accept-Language', 'en').expect(409);
      expect(start.text).toContain('data-outcome="invalid_schedule"');
      expect(start.text).toContain('The organizer has to edit the meeting’s schedule.');
      const student = await env.signIn('student@school.test');
      const link = await student.get(`/j/${brokenCode}`).set('Accept-Language', 'de').expect(409);
      expect(link.text).toContain('Der Terminplan dieser Besprechung ist ungültig');
      await student.get('/invitations').expect(200);
    });

    it('invitees can still be added to it (without reminders)', async () => {
      const res = await teacher
        .post(`/api/v1/meetings/${broken.id}/invitations`)
        .set('x-csrf-token', csrf)
        .send({ invitees: [{ email: 'student2@school.test' }] })
        .expect(201);
      expect(res.body.map((i: { email: string }) => i.email)).toEqual(['student2@school.test']);
    });

    it('the top-up skips it with a warning and carries on with the other series', async () => {
      await dataSource.query("DELETE FROM outbox_messages WHERE kind = 'reminder'");
      const service = env.api.app.get(RemindersService);
      await service.topUpReminders();
      const reminders = new Map<string, number>(
        (
          await dataSource.query(
            "SELECT i.meeting_id AS id, count(*)::int AS n FROM outbox_messages o JOIN invitations i ON i.id = o.invitation_id WHERE o.kind = 'reminder' GROUP BY 1",
          )
        ).map((row: { id: string; n: number }) => [row.id, row.n]),
      );
      // The daily series: one reminder a date of the next 60 days (5 January to 4 March).
      expect(reminders.get(valid.id)).toBe(59);
      expect(reminders.has(broken.id)).toBe(false);
      const warning = env.api.logs.records().find((record) => String(record.msg).includes('skips a series whose schedule is invalid'));
      expect(warning).toMatchObject({ meetingId: broken.id });
      expect((await service.invalidSeries()).map((series) => series.id)).toEqual([broken.id]);
    });

    it('the worker lists it in its log at start (its first top-up)', async () => {
      const topUp = new ReminderTopUpService(
        env.api.app.get(ReminderTopUpLock),
        env.api.app.get(RemindersService),
        resolveMailOptions({ reminderTopUpIntervalMs: 0 }),
      );
      await topUp.runOnce();
      const listing = env.api.logs.records().find((record) => String(record.msg).startsWith('Series with an invalid stored schedule'));
      expect(listing).toMatchObject({
        level: 40,
        count: 1,
        series: [expect.objectContaining({ id: broken.id, rrule: 'FREQ=WEEKLY;BYDAY=undefined;COUNT=5' })],
      });
    });

    it('saving it unchanged asks for a valid rule; a valid one fixes it', async () => {
      const unchanged = await teacher
        .patch(`/api/v1/meetings/${broken.id}`)
        .set('x-csrf-token', csrf)
        .send({ title: 'Broken series (renamed)', version: broken.version })
        .expect(400);
      expect(unchanged.body.details).toEqual([
        { field: 'recurrence', messages: ['recurrence has an unknown weekday: undefined (use MO, TU, WE, TH, FR, SA or SU)'] },
      ]);
      await teacher
        .patch(`/api/v1/meetings/${broken.id}`)
        .set('x-csrf-token', csrf)
        .send({ recurrence: 'FREQ=WEEKLY;BYDAY=TU;COUNT=5', version: broken.version })
        .expect(200);
      const page = await teacher.get(`/meetings/${broken.id}`).set('Accept-Language', 'en').expect(200);
      expect(page.text).not.toContain('This schedule is invalid');
      expect(page.text).toContain('data-occurrence="2027-01-05T07:00:00.000Z"');
    });
  });
});
