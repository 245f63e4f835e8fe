import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { FixedClock } from '@moderato/core';
import { DEMO_USERS, type DevIdpUser } from '@moderato/dev-idp';
import { User } from '@moderato/identity';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

/**
 * Times people can trust: every page shows times in the reader's zone (from the IdP's `zoneinfo`,
 * else the browser's first visit, else the organisation's default) and names it.
 * Meetings below are in Europe/Berlin (UTC+1 in December); New York is UTC-5 then.
 */
const PEOPLE: DevIdpUser[] = [
  ...DEMO_USERS,
  { email: 'berta@school.test', password: 'berta', name: 'Berta Berlin', groups: ['teachers'], claims: { zoneinfo: 'Europe/Berlin' } },
  { email: 'nick@school.test', password: 'nick', name: 'Nick NewYork', groups: ['teachers'], claims: { zoneinfo: 'America/New_York' } },
  { email: 'otto@school.test', password: 'otto', name: 'Otto Nowhere', groups: ['students'], claims: { zoneinfo: 'Mars/Olympus_Mons' } },
];

describe('times in the reader’s zone', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let codes: LinkCodes;
  let berta: TestAgent;
  let nick: TestAgent;
  const clock = new FixedClock(new Date('2026-12-01T08:00:00Z'));
  // Meeting A: Berta's, Thursday 10 December 10:00–11:00 Berlin; Nick is invited.
  // Meeting B: Nick's, Friday 11 December 10:00–11:00 Berlin; Berta is invited.
  let meetingA: { id: string };
  let meetingB: { id: string };

  const userOf = (email: string) => dataSource.getRepository(User).findOneByOrFail({ email });
  const csrfOf = (agent: TestAgent) => env.csrf(agent);
  const page = (agent: TestAgent, path: string, lang: 'en' | 'de') => agent.get(path).set('Accept-Language', lang).expect(200);
  const linkOf = async (meetingId: string, email: string) =>
    `/j/${codes.codeFor(await dataSource.getRepository(Invitation).findOneByOrFail({ meetingId, email }))}`;

  async function schedule(agent: TestAgent, title: string, startsAt: string, endsAt: string, invitee: string) {
    const res = await agent
      .post('/api/v1/meetings')
      .set('x-csrf-token', await csrfOf(agent))
      .send({ title, startsAt, endsAt, timezone: 'Europe/Berlin', invitees: [{ email: invitee }] })
      .expect(201);
    return res.body as { id: string };
  }

  beforeAll(async () => {
    env = await startSignedInApi({ clock, idpUsers: PEOPLE });
    dataSource = env.api.app.get(DataSource);
    codes = env.api.app.get(LinkCodes);
    await registerJitsiServer(env.api);
    berta = await env.signIn('berta@school.test');
    nick = await env.signIn('nick@school.test');
    meetingA = await schedule(berta, 'Maths 7b', '2026-12-10T10:00:00+01:00', '2026-12-10T11:00:00+01:00', 'nick@school.test');
    meetingB = await schedule(nick, 'History 8c', '2026-12-11T10:00:00+01:00', '2026-12-11T11:00:00+01:00', 'berta@school.test');
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('where a person’s zone comes from', () => {
    it('the IdP’s zoneinfo claim sets it at sign-in; a name that is no zone is ignored (the organisation’s default applies)', async () => {
      expect(await userOf('berta@school.test')).toMatchObject({ timezone: 'Europe/Berlin', timezoneSource: 'idp' });
      expect(await userOf('nick@school.test')).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'idp' });
      const me = await berta.get('/api/v1/me').expect(200);
      expect(me.body).toMatchObject({ timezone: 'Europe/Berlin', timezoneSource: 'idp' });

      const otto = await env.signIn('otto@school.test');
      expect(await userOf('otto@school.test')).toMatchObject({ timezone: null, timezoneSource: null });
      expect((await otto.get('/api/v1/me').expect(200)).body).toMatchObject({ timezone: 'UTC', timezoneSource: 'organisation' });
    });

    it('without one, the browser’s zone is taken once on the first visit (CSRF-protected, validated); then the script is gone', async () => {
      const student = await env.signIn('student@school.test');
      const home = await page(student, '/', 'en');
      expect(home.text).toContain('<script src="/static/zone.js" defer data-page-zone="UTC"></script>');
      const script = await student.get('/static/zone.js').expect(200);
      expect(script.text).toContain("fetch('/settings/timezone'");

      await student.post('/settings/timezone').type('form').send({ timezone: 'America/New_York' }).expect(403);
      const token = await csrfOf(student);
      const refused = await student
        .post('/settings/timezone')
        .set('x-csrf-token', token)
        .set('Accept', 'application/json')
        .type('form')
        .send({ timezone: 'Mars/Base' })
        .expect(400);
      expect(refused.body.details).toEqual([{ field: 'timezone', messages: ['timezone must be an IANA time zone such as Europe/Berlin'] }]);
      expect((await userOf('student@school.test')).timezone).toBeNull();

      await student.post('/settings/timezone').set('x-csrf-token', token).type('form').send({ timezone: 'America/New_York' }).expect(204);
      expect(await userOf('student@school.test')).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'browser' });
      expect((await page(student, '/', 'en')).text).not.toContain('zone.js');
      // Sent again (another browser, another zone): the zone already known stays.
      await student.post('/settings/timezone').set('x-csrf-token', token).type('form').send({ timezone: 'Asia/Tokyo' }).expect(204);
      expect((await userOf('student@school.test')).timezone).toBe('America/New_York');
      // The IdP's zone is not replaced by a browser's either.
      await berta
        .post('/settings/timezone')
        .set('x-csrf-token', await csrfOf(berta))
        .type('form')
        .send({ timezone: 'Asia/Tokyo' })
        .expect(204);
      expect((await userOf('berta@school.test')).timezone).toBe('Europe/Berlin');
    });
  });

  describe('every list shows the reader’s hour and names the zone (a meeting in Europe/Berlin)', () => {
    it('My meetings: 10:00 for a reader in Berlin, 4:00 for one in New York (en, de)', async () => {
      expect((await page(berta, '/meetings', 'en')).text).toMatch(/Dec 10, 2026, 10:00\sAM \(Berlin time\)/u);
      expect((await page(berta, '/meetings', 'de')).text).toContain('10.12.2026, 10:00 (Ortszeit Berlin)');
      const en = (await page(nick, '/meetings', 'en')).text;
      expect(en).toMatch(/Dec 11, 2026, 4:00\sAM \(New York time\)/u);
      expect(en).not.toMatch(/10:00\sAM/u);
      expect((await page(nick, '/meetings', 'de')).text).toContain('11.12.2026, 04:00 (Ortszeit New York)');
    });

    it('My invitations: the same, in each reader’s own zone (en, de)', async () => {
      expect((await page(berta, '/invitations', 'en')).text).toMatch(/Dec 11, 2026, 10:00\sAM \(Berlin time\)/u);
      expect((await page(berta, '/invitations', 'de')).text).toContain('11.12.2026, 10:00 (Ortszeit Berlin)');
      expect((await page(nick, '/invitations', 'en')).text).toMatch(/Dec 10, 2026, 4:00\sAM \(New York time\)/u);
      expect((await page(nick, '/invitations', 'de')).text).toContain('10.12.2026, 04:00 (Ortszeit New York)');
    });

    it('the meeting page keeps the meeting’s own schedule and adds the reader’s time where it differs (en, de)', async () => {
      const own = (await page(berta, `/meetings/${meetingA.id}`, 'en')).text;
      expect(own).toMatch(/Thursday, December 10, 2026 at 10:00\sAM<\/time>\s+– 11:00\sAM\s+<span class="muted" data-meeting-zone>\(Berlin time\)/u);
      expect(own).not.toContain('data-reader-time');

      const en = (await page(nick, `/meetings/${meetingB.id}`, 'en')).text;
      expect(en).toMatch(/Friday, December 11, 2026 at 10:00\sAM<\/time>\s+– 11:00\sAM\s+<span class="muted" data-meeting-zone>\(Berlin time\)/u);
      expect(en).toMatch(/<span data-reader-time>Your time: Friday, December 11, 2026 at 4:00\sAM – 5:00\sAM \(New York time\)<\/span>/u);
      const de = (await page(nick, `/meetings/${meetingB.id}`, 'de')).text;
      expect(de).toContain('(Ortszeit Berlin)');
      expect(de).toMatch(/Ihre Zeit: Freitag, 11\. Dezember 2026 um 04:00 – 05:00 \(Ortszeit New York\)/u);

      // A series at 03:00 in Berlin: each date also says the reader's, here the evening before in New York.
      const series = await nick
        .post('/api/v1/meetings')
        .set('x-csrf-token', await csrfOf(nick))
        .send({
          title: 'Night watch',
          startsAt: '2026-12-14T03:00:00+01:00',
          endsAt: '2026-12-14T04:00:00+01:00',
          timezone: 'Europe/Berlin',
          recurrence: 'FREQ=WEEKLY;COUNT=3',
          invitees: [],
        })
        .expect(201);
      const dates = (await page(nick, `/meetings/${series.body.id}`, 'en')).text;
      expect(dates).toMatch(
        /Monday, December 21, 2026 at 3:00\sAM<\/time> <span class="muted" data-reader-time>· Your time: Dec 20, 2026, 9:00\sPM \(New York time\)<\/span>/u,
      );
    });

    it('the waiting page says when the room opens and the meeting starts on the reader’s clock (en, de)', async () => {
      const toNick = await linkOf(meetingA.id, 'nick@school.test');
      const en = (await page(nick, toNick, 'en')).text;
      // The room opens 15 minutes before (the policy's default window): 3:45 in New York, 9:45 in Berlin.
      expect(en).toMatch(/The room opens at 3:45\sAM \(New York time\)\./u);
      expect(en).toMatch(/The meeting starts on Thursday, December 10, 2026 at 4:00\sAM\./u);
      const de = (await page(nick, toNick, 'de')).text;
      expect(de).toContain('Der Raum öffnet um 03:45 Uhr (Ortszeit New York).');
      expect(de).toContain('Die Besprechung beginnt am Donnerstag, 10. Dezember 2026 um 04:00 Uhr.');

      const toBerta = await linkOf(meetingB.id, 'berta@school.test');
      expect((await page(berta, toBerta, 'en')).text).toMatch(/The room opens at 9:45\sAM \(Berlin time\)\./u);
      expect((await page(berta, toBerta, 'de')).text).toContain('Der Raum öffnet um 09:45 Uhr (Ortszeit Berlin).');
    });

    it('admin lists show the admin’s zone, named', async () => {
      const admin = await env.signIn('admin@school.test');
      await admin
        .post('/settings/timezone')
        .set('x-csrf-token', await csrfOf(admin))
        .type('form')
        .send({ timezone: 'America/New_York' })
        .expect(204);
      // Signed in at 08:00 UTC (the fixed clock): 3:00 in New York.
      expect((await page(admin, '/admin/users', 'en')).text).toMatch(/Dec 1, 2026, 3:00\sAM \(New York time\)/u);
      expect((await page(admin, '/admin/audit', 'de')).text).toContain('01.12.2026, 03:00 (Ortszeit New York)');
    });
  });

  describe('the Settings page', () => {
    it('every signed-in person has it in the navigation, with their language and zone (en, de)', async () => {
      const teacher = await env.signIn('teacher@school.test');
      expect((await page(teacher, '/', 'en')).text).toContain('<a href="/settings">Settings</a>');
      const en = (await page(teacher, '/settings', 'en')).text;
      expect(en).toContain('<h1>Settings</h1>');
      expect(en).toContain('<option value="en" selected>English</option>');
      expect(en).toContain('name="timezone" type="text" list="zones" value="UTC"');
      // The zones with their offset, the organisation's default first, then the common ones.
      expect(en).toMatch(/<option value="Europe\/Berlin">Europe\/Berlin \(UTC\+0[12]:00\)<\/option>/);
      expect(en.indexOf('<option value="UTC">')).toBeLessThan(en.indexOf('<option value="Europe/Berlin">'));
      expect(en.indexOf('<option value="Europe/Berlin">')).toBeLessThan(en.indexOf('<option value="Africa/Abidjan">'));
      // The calendar subscription is a section of the same page.
      expect(en).toContain('data-calendar-feed');
      expect(en).toContain('Your organisation&#39;s default: you have not chosen one yet.');
      const de = (await page(teacher, '/settings', 'de')).text;
      expect(de).toContain('<h1>Einstellungen</h1>');
      expect(de).toContain('<option value="de" selected>Deutsch</option>');
    });

    it('refuses a form without the CSRF token', async () => {
      const teacher = await env.signIn('teacher2@school.test');
      await teacher.post('/settings/general').type('form').send({ locale: 'de', timezone: 'Europe/Berlin' }).expect(403);
      expect((await userOf('teacher2@school.test')).timezone).toBeNull();
    });

    it('shows field messages in the page’s language and keeps the input', async () => {
      const teacher = await env.signIn('teacher2@school.test');
      const token = await csrfOf(teacher);
      const en = await teacher
        .post('/settings/general')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: token, locale: 'fr', timezone: 'Berlin' })
        .expect(400);
      expect(en.text).toContain('Please correct the marked fields.');
      expect(en.text).toContain('Choose a time zone from the list');
      expect(en.text).toContain('value="Berlin"');
      expect(en.text).toMatch(/id="e-locale">[^<]+</);
      const de = await teacher
        .post('/settings/general')
        .set('Accept-Language', 'de')
        .type('form')
        .send({ _csrf: token, locale: 'de', timezone: 'Berlin' })
        .expect(400);
      expect(de.text).toContain('Wählen Sie eine Zeitzone aus der Liste');
      expect(de.text).toContain('value="Berlin"');
      expect(de.text).toContain('<option value="de" selected>Deutsch</option>');
      expect((await userOf('teacher2@school.test')).timezone).toBeNull();
    });

    it('saves the zone and the language (cookie and account); the next sign-in keeps the chosen zone', async () => {
      const token = await csrfOf(berta);
      const saved = await berta.post('/settings/general').type('form').send({ _csrf: token, locale: 'de', timezone: 'asia/tokyo' }).expect(303);
      expect(saved.headers.location).toBe('/settings');
      expect(String(saved.headers['set-cookie'])).toMatch(/moderato_lang=de;/);
      expect(await userOf('berta@school.test')).toMatchObject({ timezone: 'Asia/Tokyo', timezoneSource: 'chosen', locale: 'de' });
      const after = await berta.get('/settings').expect(200);
      expect(after.text).toContain('Ihre Einstellungen sind gespeichert.');
      expect(after.text).toContain('value="Asia/Tokyo"');
      expect(after.text).toContain('Von Ihnen gewählt.');
      // Her meetings now read in Tokyo (18:00), named.
      expect((await berta.get('/meetings').expect(200)).text).toContain('10.12.2026, 18:00 (Ortszeit Tokyo)');
      // Signing in again: the IdP still says Europe/Berlin, her choice stays.
      berta = await env.signIn('berta@school.test');
      expect(await userOf('berta@school.test')).toMatchObject({ timezone: 'Asia/Tokyo', timezoneSource: 'chosen' });
    });
  });

  it('the footer’s language switch keeps working (a cookie) and, signed in, saves the language on the account too', async () => {
    const student = await env.signIn('student2@school.test');
    const res = await student
      .post('/preferences/language')
      .type('form')
      .send({ _csrf: await csrfOf(student), locale: 'de', returnTo: '/settings' })
      .expect(303);
    expect(String(res.headers['set-cookie'])).toMatch(/moderato_lang=de;/);
    expect((await userOf('student2@school.test')).locale).toBe('de');
    expect((await student.get('/settings').expect(200)).text).toContain('<option value="de" selected>Deutsch</option>');
  });

  describe('the organisation’s default zone (policy)', () => {
    it('is shown and validated on the policy page and the API, and applies to people without a zone of their own', async () => {
      const admin = await env.signIn('admin@school.test');
      const token = await csrfOf(admin);
      const policy = await admin.get('/api/v1/admin/policy').expect(200);
      expect(policy.body.policy.defaultTimezone).toBe('UTC');
      expect(policy.body.defaults.defaultTimezone).toBe('UTC');

      const refused = await admin.put('/api/v1/admin/policy').set('x-csrf-token', token).send({ defaultTimezone: 'Nowhere/City' }).expect(400);
      expect(refused.body.details).toEqual([{ field: 'defaultTimezone', messages: ['defaultTimezone must be an IANA time zone such as Europe/Berlin'] }]);
      const form = await admin
        .post('/admin/policy')
        .set('Accept-Language', 'de')
        .type('form')
        .send({ _csrf: token, defaultTimezone: 'Nowhere/City', defaultLocale: 'en', productName: 'Moderato' })
        .expect(400);
      expect(form.text).toContain('Wählen Sie eine Zeitzone aus der Liste, etwa Europe/Berlin');
      expect(form.text).toContain('value="Nowhere/City"');

      await admin.put('/api/v1/admin/policy').set('x-csrf-token', token).send({ defaultTimezone: 'europe/berlin' }).expect(200);
      expect((await admin.get('/api/v1/admin/policy').expect(200)).body.policy.defaultTimezone).toBe('Europe/Berlin');
      expect((await page(admin, '/admin/policy', 'en')).text).toContain('name="defaultTimezone" type="text" list="policy-zones" value="Europe/Berlin"');

      // Otto's IdP sent no real zone and his browser never said: the organisation's default applies.
      const otto = await env.signIn('otto@school.test');
      expect((await otto.get('/api/v1/me').expect(200)).body).toMatchObject({ timezone: 'Europe/Berlin', timezoneSource: 'organisation' });
      const invited = await schedule(nick, 'Art 5a', '2026-12-14T08:00:00+01:00', '2026-12-14T09:00:00+01:00', 'otto@school.test');
      expect((await page(otto, '/invitations', 'en')).text).toMatch(/Dec 14, 2026, 8:00\sAM \(Berlin time\)/u);
      expect((await page(otto, await linkOf(invited.id, 'otto@school.test'), 'en')).text).toMatch(/The room opens at 7:45\sAM \(Berlin time\)\./u);
    });
  });
});
