import type TestAgent from 'supertest/lib/agent';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@moderato/core';
import { User } from '@moderato/identity';
import { Meeting } from '@moderato/meetings';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

/**
 * The new-meeting form (issue 20): it starts in the organizer's zone, its zone picker puts the
 * organisation's default and the common zones first with their offset, it says the first date of
 * a series before saving (GET /meetings/preview), and its list errors speak the page's language.
 */
describe('the new-meeting form', () => {
  let env: SignedInApi;
  let teacher: TestAgent;
  let csrf: string;
  let dataSource: DataSource;
  // December: Berlin is UTC+01:00, New York UTC-05:00. Saturday 5 December 2026 is in the future.
  const clock = new FixedClock(new Date('2026-12-01T08:00:00Z'));

  beforeAll(async () => {
    // The organisation's default zone, for organizers without one of their own.
    env = await startSignedInApi({ clock, env: { DEFAULT_TIMEZONE: 'Europe/Vienna' } });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    teacher = await env.signIn('teacher@school.test');
    csrf = await env.csrf(teacher);
  });
  afterAll(async () => {
    await env?.close();
  });

  const setZone = (timezone: string | null) => dataSource.getRepository(User).update({ email: 'teacher@school.test' }, { timezone });
  const newForm = async (language = 'en') => (await teacher.get('/meetings/new').set('Accept-Language', language).expect(200)).text;
  const zoneValue = (html: string) => /<input id="f-timezone" name="timezone" type="text" list="time-zones" value="([^"]*)"/.exec(html)?.[1];
  /** The picker's choices in order: [zone, label]. */
  const choices = (html: string) =>
    [.../<datalist id="time-zones">([\s\S]*?)<\/datalist>/.exec(html)![1].matchAll(/<option value="([^"]+)">([^<]+)<\/option>/g)].map((m) => [m[1], m[2]]);

  describe('the time zone', () => {
    afterAll(() => setZone(null));

    it("starts in the organizer's own zone, else in the organisation's default", async () => {
      await setZone(null);
      expect(zoneValue(await newForm())).toBe('Europe/Vienna');
      await setZone('America/New_York');
      expect(zoneValue(await newForm())).toBe('America/New_York');
    });

    it("lists the organisation's default, then the common zones, each with its offset, then every other zone", async () => {
      const list = choices(await newForm());
      expect(list.slice(0, 6)).toEqual([
        ['Europe/Vienna', 'Europe/Vienna (UTC+01:00)'],
        ['Europe/Berlin', 'Europe/Berlin (UTC+01:00)'],
        ['Europe/Zurich', 'Europe/Zurich (UTC+01:00)'],
        ['Europe/London', 'Europe/London (UTC+00:00)'],
        ['UTC', 'UTC (UTC+00:00)'],
        ['Europe/Paris', 'Europe/Paris (UTC+01:00)'],
      ]);
      const zones = list.map(([zone]) => zone);
      expect(list[zones.indexOf('America/New_York')]).toEqual(['America/New_York', 'America/New_York (UTC-05:00)']);
      expect(zones.indexOf('America/New_York')).toBeLessThan(20);
      expect(list[zones.indexOf('Australia/Adelaide')]).toEqual(['Australia/Adelaide', 'Australia/Adelaide (UTC+10:30)']);
      // Each zone once; after the first ones, all others in alphabetical order.
      expect(new Set(zones).size).toBe(zones.length);
      expect(zones.length).toBeGreaterThan(400);
      const rest = zones.slice(zones.indexOf('Australia/Sydney') + 1);
      expect(rest[0]).toBe('Africa/Abidjan');
      expect([...rest].sort()).toEqual(rest);
      // German page, same list (zone names are not translated).
      expect(choices(await newForm('de')).slice(0, 2)).toEqual(list.slice(0, 2));
    });

    const post = (fields: Record<string, string>, language: string) => {
      let req = teacher.post(`/meetings?_csrf=${encodeURIComponent(csrf)}`).set('Accept-Language', language);
      const all = { title: 'Zones 7a', date: '2026-12-08', startTime: '09:00', endTime: '09:45', repeat: 'none', joinBefore: '10', ...fields };
      for (const [name, value] of Object.entries(all)) req = req.field(name, value);
      return req;
    };
    const timezoneErrors = (html: string) =>
      [...(/<label for="f-timezone">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(/<p class="field-error" id="e-timezone">([^<]*)<\/p>/g)].map((m) => m[1]);

    it.each([
      ['en', 'choose a time zone from the list, such as Europe/Berlin'],
      ['de', 'bitte eine Zeitzone aus der Liste wählen, etwa Europe/Berlin'],
    ])('(%s) refuses an unknown zone beside the field, the input kept; nothing saved', async (language, message) => {
      const before = await dataSource.getRepository(Meeting).count();
      const res = await post({ timezone: 'Mars/Olympus_Mons' }, language).expect(400);
      expect(timezoneErrors(res.text)).toEqual([message]);
      expect(res.text).toContain('value="Mars/Olympus_Mons"');
      expect(res.text).toMatch(/id="f-timezone"[^>]*aria-invalid="true"/);
      expect(await dataSource.getRepository(Meeting).count()).toBe(before);
    });

    it('takes a zone typed in any case, or its label copied whole', async () => {
      for (const timezone of ['europe/berlin', 'Europe/Berlin (UTC+01:00)']) {
        const res = await post({ title: `Zones ${timezone}`, timezone }, 'en').expect(303);
        const meeting = await dataSource.getRepository(Meeting).findOneByOrFail({ id: res.headers.location.split('/').pop() });
        expect(meeting.timezone).toBe('Europe/Berlin');
        expect(meeting.startsAt.toISOString()).toBe('2026-12-08T08:00:00.000Z');
      }
    });
  });

  describe('the first-date preview (GET /meetings/preview)', () => {
    const mondayThursday = {
      date: '2026-12-05', // a Saturday
      startTime: '08:00',
      endTime: '08:45',
      timezone: 'Europe/Berlin',
      repeat: 'weekly',
      weekdays: ['MO', 'TH'],
      count: '12',
    };
    const preview = (agent: TestAgent, fields: Record<string, string | string[]>, language = 'en') =>
      agent.get('/meetings/preview').query(fields).set('Accept', 'application/json').set('Accept-Language', language);

    it('says that a Monday/Thursday series chosen on a Saturday starts on the Monday, in English and German', async () => {
      const en = await preview(teacher, mondayThursday).expect(200);
      expect(en.headers['cache-control']).toContain('no-store');
      expect(en.body).toEqual({
        startsAt: '2026-12-07T08:00:00+01:00',
        firstDate: 'Monday 7 December',
        text: 'First date: Monday 7 December',
        rule: 'Every Monday and Thursday, 12 times',
        moved: 'The rule does not match Saturday 5 December: the series starts on the first date that does.',
      });
      const de = await preview(teacher, mondayThursday, 'de').expect(200);
      expect(de.body).toMatchObject({
        firstDate: 'Montag, 7. Dezember',
        text: 'Erster Termin: Montag, 7. Dezember',
        rule: 'Jeden Montag und Donnerstag, 12-mal',
        moved: 'Die Regel trifft nicht auf Samstag, 5. Dezember zu: Die Serie beginnt am ersten Datum, auf das sie zutrifft.',
      });
    });

    it('agrees with the meeting saved from the same form', async () => {
      const { body } = await preview(teacher, { ...mondayThursday, weekdays: 'TH' }).expect(200);
      expect(body).toMatchObject({ text: 'First date: Thursday 10 December', rule: 'Every Thursday, 12 times' });
      let req = teacher.post(`/meetings?_csrf=${encodeURIComponent(csrf)}`).set('Accept-Language', 'en');
      for (const [name, value] of Object.entries({ ...mondayThursday, weekdays: 'TH', title: 'Preview 9c', joinBefore: '10' })) req = req.field(name, value);
      const res = await req.expect(303);
      const meeting = await dataSource.getRepository(Meeting).findOneByOrFail({ id: res.headers.location.split('/').pop() });
      expect(meeting.startsAt.toISOString()).toBe(new Date(body.startsAt).toISOString());
    });

    it('names the date of a single meeting, with the year when it is not this year', async () => {
      const { body } = await preview(teacher, { date: '2027-01-11', startTime: '08:00', timezone: 'Europe/Berlin', repeat: 'none' }).expect(200);
      expect(body).toMatchObject({ text: 'Date: Monday, 11 January 2027', rule: null, moved: null });
    });

    it.each([
      ['en', { date: '2026-02-30' }, 'date', '2026-02-30 is not a date of the calendar'],
      ['de', { date: '2026-02-30' }, 'date', '2026-02-30 ist kein Datum des Kalenders'],
      ['en', { date: '2026-11-30' }, 'date', 'this start is in the past: a new meeting must start in the future'],
      ['de', { date: '2026-11-30' }, 'date', 'dieser Beginn liegt in der Vergangenheit: Eine neue Besprechung muss in der Zukunft beginnen'],
      ['en', { startTime: '25:00' }, 'startTime', '25:00 is not a time of day (00:00 to 23:59)'],
      ['en', { timezone: 'Mars/Olympus_Mons' }, 'timezone', 'choose a time zone from the list, such as Europe/Berlin'],
      ['de', { timezone: 'Mars/Olympus_Mons' }, 'timezone', 'bitte eine Zeitzone aus der Liste wählen, etwa Europe/Berlin'],
      ['en', { count: '1' }, 'count', 'A series has 2 to 500 meetings'],
      ['en', { count: 'many' }, 'count', 'Enter a whole number'],
      ['en', { repeat: 'hourly' }, 'repeat', 'Choose one of the options'],
      ['de', { weekdays: ['MO', 'XX'] }, 'weekdays', 'Wählen Sie eine der Möglichkeiten'],
      ['en', { date: '' }, 'date', 'choose a date and a start time'],
    ])('(%s) answers %j with 400 and the field message in the language of the page', async (language, fields, field, message) => {
      const res = await preview(teacher, { ...mondayThursday, ...fields }, language).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.details).toContainEqual({ field, messages: [message] });
    });

    it('is for signed-in organizers only', async () => {
      const student = await env.signIn('student@school.test');
      await preview(student, mondayThursday).expect(403);
      const anonymous = await request(env.api.server).get('/meetings/preview').query(mondayThursday).set('Accept', 'application/json').expect(401);
      expect(anonymous.body.code).toBe('LOGIN_REQUIRED');
    });

    it('the form carries the preview and its script (the dates show after saving without JavaScript)', async () => {
      const html = await newForm();
      expect(html).toContain('data-first-date data-url="/meetings/preview"');
      expect(html).toContain('<script src="/static/meeting-form.js" defer></script>');
      await teacher
        .get('/static/meeting-form.js')
        .expect(200)
        .expect('Content-Type', /javascript/);
    });

    it('the edit form previews too, and there a date already begun is not refused (saving an edit allows it)', async () => {
      const start = new Date(Date.now() + 3 * 86_400_000);
      const meeting = await teacher
        .post('/api/v1/meetings')
        .set('x-csrf-token', csrf)
        .send({
          title: 'Edited series',
          timezone: 'Europe/Berlin',
          startsAt: start.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          endsAt: new Date(start.getTime() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          recurrence: 'FREQ=WEEKLY;COUNT=4',
        })
        .expect(201);
      const html = (await teacher.get(`/meetings/${meeting.body.id}/edit`).set('Accept-Language', 'en').expect(200)).text;
      expect(html).toContain('data-first-date data-url="/meetings/preview?editing=true"');
      expect(html).toContain('<script src="/static/meeting-form.js" defer></script>');
      const past = { ...mondayThursday, date: '2026-11-30' };
      await preview(teacher, past).expect(400);
      const { body } = await preview(teacher, { ...past, editing: 'true' }).expect(200);
      expect(body.text).toMatch(/^First date: /);
      await preview(teacher, { ...mondayThursday, editing: 'maybe' }).expect(400);
    });
  });

  describe('the lists of invitees', () => {
    const post = (fields: Record<string, string>, language: string, csv?: string) => {
      let req = teacher.post(`/meetings?_csrf=${encodeURIComponent(csrf)}`).set('Accept-Language', language);
      const all = {
        title: 'Lists 5b',
        date: '2026-12-08',
        startTime: '09:00',
        endTime: '09:45',
        timezone: 'Europe/Berlin',
        repeat: 'none',
        joinBefore: '10',
        ...fields,
      };
      for (const [name, value] of Object.entries(all)) req = req.field(name, value);
      if (csv !== undefined) req = req.attach('csv', Buffer.from(csv), { filename: 'class.csv', contentType: 'text/csv' });
      return req;
    };
    const participantErrors = (html: string) =>
      [...(/<label for="f-participants">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(/<p class="field-error">([^<]*)<\/p>/g)].map((m) => m[1]);

    it('(de) says which line of which list is wrong, in German; nothing saved', async () => {
      const before = await dataSource.getRepository(Meeting).count();
      const res = await post(
        { participants: 'ok@school.test\nsam@school.test\nnicht-eine-adresse', moderators: 'ok@school.test' },
        'de',
        'email,name,role\nkim@school.test,Kim,boss\n',
      ).expect(400);
      expect(participantErrors(res.text)).toEqual([
        'Teilnehmende, Zeile 3: nicht-eine-adresse — keine gültige E-Mail-Adresse',
        'ok@school.test steht zweimal in der Liste',
        'CSV, Zeile 2: kim@school.test,Kim,boss — die Rolle muss participant oder moderator sein',
      ]);
      expect(res.text).not.toContain('not a valid email address');
      const header = await post({ participants: 'sam@school.test' }, 'de', 'mail,name\n').expect(400);
      expect(header.text).toContain('CSV: Die erste Zeile muss die Kopfzeile email,name,role sein (gefunden: mail,name)');
      expect(await dataSource.getRepository(Meeting).count()).toBe(before);
    });

    it('(en) the same in English', async () => {
      const res = await post({ participants: 'ok@school.test\nsam@school.test\nnot-an-address', moderators: 'ok@school.test' }, 'en').expect(400);
      expect(participantErrors(res.text)).toEqual(['Participants, line 3: not-an-address — not a valid email address', 'ok@school.test is listed twice']);
    });
  });
});
