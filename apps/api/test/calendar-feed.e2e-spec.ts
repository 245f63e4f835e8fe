import ICAL from 'ical.js';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { CalendarFeed } from '@moderato/identity';
import { until, type SmtpSink } from '@moderato/testing';
import { startSignedInApi, type SignedInApi } from './signed-in';
// Mails are sent by the real worker; the feed is read back with Mozilla's ical.js (Thunderbird's engine).
import { calendarOf, startMailStack, type MailStack } from './mail-stack';

const FEED_URL = /value="(http:\/\/localhost:3000\/calendar\/([A-Za-z0-9_-]{43})\.ics)"/;

/** The feed's calendar parsed by ical.js, its zones registered as a subscribing client does. */
function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return calendar;
}

/** The start instants ical.js expands for one meeting (its master VEVENT and any overrides). */
function expanded(calendar: ICAL.Component, uid: string): string[] {
  const events = calendar.getAllSubcomponents('vevent').filter((e) => e.getFirstPropertyValue('uid') === uid);
  const master = events.find((e) => !e.hasProperty('recurrence-id'));
  if (!master) return [];
  const event = new ICAL.Event(master);
  for (const override of events.filter((e) => e !== master)) event.relateException(new ICAL.Event(override));
  if (!event.isRecurring()) return [event.startDate.toJSDate().toISOString()];
  const dates: string[] = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next && dates.length < 600; next = iterator.next())
    dates.push(event.getOccurrenceDetails(next).startDate.toJSDate().toISOString());
  return dates;
}

describe('the calendar subscription (GET /calendar/<secret>.ics), read back by ical.js', () => {
  let stack: MailStack;
  let env: SignedInApi;
  let sink: SmtpSink;
  let dataSource: DataSource;
  let teacher: TestAgent;
  let student: TestAgent;
  const meetings: Record<string, { id: string; version: number }> = {};

  const create = async (title: string, fields: Record<string, unknown>) => {
    const res = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({ title, timezone: 'Europe/Berlin', invitees: [{ email: 'student@school.test', name: 'Sam Student' }], ...fields });
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number };
  };
  /** Makes a new feed address through the page (CSRF), as a person does; returns it and its secret. */
  const rotate = async (agent: TestAgent) => {
    const page = await agent
      .post('/settings/calendar-feed/rotate')
      .type('form')
      .send({ _csrf: await env.csrf(agent) })
      .expect(200);
    // The page with the secret is kept by no cache.
    expect(page.headers['cache-control']).toBe('no-store');
    const [, url, secret] = FEED_URL.exec(page.text) ?? [];
    if (!url) throw new Error(`no feed address on the page: ${page.text.slice(0, 500)}`);
    expect(page.text).toContain(`href="webcal://localhost:3000/calendar/${secret}.ics"`);
    return { url, path: new URL(url).pathname, secret };
  };
  /** Moderato's own dates of a meeting (the API), cancelled ones left out. */
  const moderatoDates = async (id: string) => {
    const { body } = await teacher.get(`/api/v1/meetings/${id}/occurrences?from=2026-12-01T00:00:00Z&to=2027-12-01T00:00:00Z`).expect(200);
    return (body as { startsAt: string; cancelled: boolean }[]).filter((o) => !o.cancelled).map((o) => new Date(o.startsAt).toISOString());
  };

  beforeAll(async () => {
    stack = await startMailStack(3);
    ({ env, sink } = stack);
    dataSource = env.api.app.get(DataSource);
    teacher = await env.signIn('teacher@school.test');
    student = await env.signIn('student@school.test');
    // Weekly on Monday and Thursday 08:00 Berlin across the change to summer time (28 March 2027), Monday 29 March cancelled.
    meetings.weekly = await create('Maths 7b', {
      startsAt: '2027-03-22T08:00:00+01:00',
      endsAt: '2027-03-22T08:45:00+01:00',
      recurrence: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6',
    });
    const cancelled = await teacher
      .patch(`/api/v1/meetings/${meetings.weekly.id}/occurrences/${encodeURIComponent('2027-03-29T06:00:00.000Z')}`)
      .set('x-csrf-token', await env.csrf(teacher))
      .send({ cancelled: true, version: meetings.weekly.version })
      .expect(200);
    meetings.weekly.version = cancelled.body.version;
    meetings.once = await create('Parents evening', { startsAt: '2027-01-12T18:00:00+01:00', endsAt: '2027-01-12T19:30:00+01:00' });
    // Every other day at 17:00 in New York across the US change to summer time (14 March 2027), until 20 March.
    meetings.daily = await create('Chess club', {
      timezone: 'America/New_York',
      startsAt: '2027-03-10T17:00:00-05:00',
      endsAt: '2027-03-10T18:00:00-05:00',
      recurrence: 'FREQ=DAILY;INTERVAL=2;UNTIL=20270320',
    });
    // Monthly on the start day, across both changes of summer time; the April date moved to the 27th, 16:00.
    meetings.monthly = await create('Staff meeting', {
      startsAt: '2027-02-26T15:00:00+01:00',
      endsAt: '2027-02-26T16:00:00+01:00',
      recurrence: 'FREQ=MONTHLY;COUNT=10',
    });
    await teacher
      .patch(`/api/v1/meetings/${meetings.monthly.id}/occurrences/${encodeURIComponent('2027-04-26T13:00:00.000Z')}`)
      .set('x-csrf-token', await env.csrf(teacher))
      .send({ startsAt: '2027-04-27T16:00:00+02:00', endsAt: '2027-04-27T17:00:00+02:00', version: meetings.monthly.version })
      .expect(200);
    // Teacher 2's meeting that our student is not invited to.
    const other = await env.signIn('teacher2@school.test');
    await other
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(other))
      .send({ title: 'Not yours', timezone: 'Europe/Berlin', startsAt: '2027-01-13T10:00:00+01:00', endsAt: '2027-01-13T11:00:00+01:00' })
      .expect(201);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("has every meeting and invitation of its owner, with the dates Moderato lists (series, DST in two zones, a cancelled and a moved date) and the invitation mail's UID", async () => {
    const feed = await rotate(student);
    // No session: a calendar server asks.
    const res = await request(env.api.server).get(feed.path).expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.text).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT60M');
    expect(res.text).toContain('X-PUBLISHED-TTL:PT60M');
    expect(res.text).not.toMatch(/^METHOD:/m);
    const calendar = parseFeed(res.text);
    const uids = calendar.getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('uid')));
    expect(new Set(uids)).toEqual(new Set(Object.values(meetings).map((m) => `${m.id}@moderato`)));
    for (const [shape, meeting] of Object.entries(meetings)) {
      const dates = await moderatoDates(meeting.id);
      expect(dates.length).toBeGreaterThan(0);
      expect({ shape, dates: expanded(calendar, `${meeting.id}@moderato`) }).toEqual({ shape, dates });
    }
    // The cancelled Monday is not a date in the calendar; summer time keeps 08:00 on the wall clock.
    const weekly = expanded(calendar, `${meetings.weekly.id}@moderato`);
    expect(weekly).toEqual([
      '2027-03-22T07:00:00.000Z',
      '2027-03-25T07:00:00.000Z',
      '2027-04-01T06:00:00.000Z',
      '2027-04-05T06:00:00.000Z',
      '2027-04-08T06:00:00.000Z',
    ]);
    expect(expanded(calendar, `${meetings.monthly.id}@moderato`).slice(1, 4)).toEqual([
      '2027-03-26T14:00:00.000Z',
      '2027-04-27T14:00:00.000Z',
      '2027-05-26T13:00:00.000Z',
    ]);
    expect(expanded(calendar, `${meetings.daily.id}@moderato`).slice(1, 4)).toEqual([
      '2027-03-12T22:00:00.000Z',
      '2027-03-14T21:00:00.000Z',
      '2027-03-16T21:00:00.000Z',
    ]);

    // The same UID as the invitation in Sam's mailbox: calendars merge them rather than showing each meeting twice.
    const mails = await sink.waitFor(4, 20_000);
    const mailedUids = mails.filter((mail) => JSON.stringify(mail.to).includes('student@school.test')).map((mail) => calendarOf(mail).uid);
    expect(new Set(mailedUids)).toEqual(new Set(uids));
    // The link in the entry is Sam's personal link, as in the mail.
    const event = calendar.getAllSubcomponents('vevent').find((e) => e.getFirstPropertyValue('uid') === `${meetings.once.id}@moderato`)!;
    expect(String(event.getFirstPropertyValue('url'))).toMatch(/^http:\/\/localhost:3000\/j\/[A-Za-z0-9_-]+$/);
  });

  it('gives the organizer their own meetings (Start link) and another person none of them', async () => {
    const mine = await rotate(teacher);
    const calendar = parseFeed((await request(env.api.server).get(mine.path).expect(200)).text);
    const event = calendar.getAllSubcomponents('vevent').find((e) => e.getFirstPropertyValue('uid') === `${meetings.weekly.id}@moderato`)!;
    expect(String(event.getFirstPropertyValue('url'))).toBe(`http://localhost:3000/meetings/${meetings.weekly.id}/start`);
    const other = await env.signIn('teacher2@school.test');
    const theirs = parseFeed(
      (
        await request(env.api.server)
          .get((await rotate(other)).path)
          .expect(200)
      ).text,
    );
    const theirUids = theirs.getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('uid')));
    expect(theirUids).toHaveLength(1);
    for (const meeting of Object.values(meetings)) expect(theirUids).not.toContain(`${meeting.id}@moderato`);
  });

  it('answers 404 to a wrong secret; a new address makes the old one 404; revoking (confirmed, CSRF) ends it; only the hash is stored and the audit log never has the secret', async () => {
    const anonymous = request(env.api.server);
    await anonymous.get('/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics').expect(404);
    await anonymous.get('/calendar/short.ics').expect(404);
    await anonymous.get('/calendar/nothing').expect(404);

    const first = await rotate(student);
    await anonymous.get(first.path).expect(200);
    const second = await rotate(student);
    expect(second.secret).not.toBe(first.secret);
    await anonymous.get(first.path).expect(404);
    await anonymous.get(second.path).expect(200);

    const stored = await dataSource.getRepository(CalendarFeed).find();
    expect(stored.map((feed) => feed.secretHash)).not.toContain(second.secret);
    expect(JSON.stringify(stored)).not.toContain(second.secret);

    // The dashboard shows the current address again (derived, not stored), as https and webcal.
    const home = await student.get('/').set('Accept-Language', 'en').expect(200);
    expect(home.text).toContain('data-feed-active');
    expect(home.text).toContain(`${second.secret}.ics`);
    expect(home.text).toContain('webcal://');
    expect(home.text).not.toContain(first.secret);
    // …and only to its owner.
    const teacherHome = await teacher.get('/').expect(200);
    expect(teacherHome.text).not.toContain(second.secret);

    // Revoke: a confirmation page (no JavaScript needed), then the form with its CSRF token.
    const confirm = await student.get('/settings/calendar-feed/revoke').set('Accept-Language', 'en').expect(200);
    expect(confirm.text).toContain('Stop the calendar subscription?');
    await student.post('/settings/calendar-feed/revoke').type('form').send({}).expect(403);
    await anonymous.get(second.path).expect(200);
    const revoked = await student
      .post('/settings/calendar-feed/revoke')
      .type('form')
      .send({ _csrf: await env.csrf(student) })
      .expect(303);
    expect(revoked.headers.location).toBe('/settings/calendar');
    await anonymous.get(second.path).expect(404);
    const settings = await student.get('/settings/calendar').set('Accept-Language', 'en').expect(200);
    expect(settings.text).toContain('Calendar subscription stopped.');
    expect(settings.text).toContain('data-feed-none');

    const audit = await dataSource
      .getRepository(AuditEvent)
      .find({ where: [{ action: 'calendar_feed.created' }, { action: 'calendar_feed.rotated' }, { action: 'calendar_feed.revoked' }] });
    expect(audit.map((event) => event.action).sort()).toEqual(
      expect.arrayContaining(['calendar_feed.created', 'calendar_feed.rotated', 'calendar_feed.revoked']),
    );
    expect(JSON.stringify(audit)).not.toContain(first.secret);
    expect(JSON.stringify(audit)).not.toContain(second.secret);
  });

  it('the meeting page shows mail status changes without a reload: a JSON endpoint for its organizer only', async () => {
    // Sam's mail stays in flight until released; the other address does not exist (550: failed).
    sink.refuseRecipients((address) => (address === 'nobody@school.test' ? { code: 550, message: 'no such user' } : undefined));
    const release = sink.hold();
    const meeting = await create('Mail status', {
      startsAt: '2027-02-02T09:00:00+01:00',
      endsAt: '2027-02-02T10:00:00+01:00',
      invitees: [{ email: 'student@school.test' }, { email: 'nobody@school.test' }],
    });
    const page = await teacher.get(`/meetings/${meeting.id}`).expect(200);
    expect(page.text).toContain(`data-mail-status="/meetings/${meeting.id}/mail-status"`);
    expect(page.text).toContain('<script src="/static/mail-status.js" defer></script>');
    const held = await teacher.get(`/meetings/${meeting.id}/mail-status`).set('Accept-Language', 'en').expect(200);
    expect(held.body.pending).toBe(true);
    expect(held.body.invitations.map((i: { status: string }) => i.status)).toContain('pending');
    // Others get 404, as for the page.
    await student.get(`/meetings/${meeting.id}/mail-status`).expect(404);
    await (await env.signIn('teacher2@school.test')).get(`/meetings/${meeting.id}/mail-status`).expect(404);
    await request(env.api.server).get(`/meetings/${meeting.id}/mail-status`).set('Accept', 'application/json').expect(401);

    release();
    let last: { pending: boolean; invitations: { id: string; status: string; label: string }[] } = held.body;
    await until(async () => {
      last = (await teacher.get(`/meetings/${meeting.id}/mail-status`).set('Accept-Language', 'de').expect(200)).body;
      return !last.pending;
    }, 'mails sent or failed');
    sink.refuseRecipients();
    const byStatus = Object.fromEntries(last.invitations.map((i) => [i.status, i.label]));
    expect(Object.keys(byStatus).sort()).toEqual(['failed', 'sent']);
    expect(byStatus.sent).toBe('gesendet');
  });
});

describe('the calendar feed is rate-limited like the other public routes', () => {
  let env: SignedInApi;
  beforeAll(async () => {
    env = await startSignedInApi({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    // All requests of a test in one window of the limit.
    if (Date.now() % 60_000 > 45_000) await new Promise((resolve) => setTimeout(resolve, 61_000 - (Date.now() % 60_000)));
  });
  afterAll(async () => {
    await env?.close();
  });

  it('answers 429 to a feed read too often in a minute, and to an address guessing secrets', async () => {
    const student = await env.signIn('student@school.test');
    const page = await student
      .post('/settings/calendar-feed/rotate')
      .type('form')
      .send({ _csrf: await env.csrf(student) })
      .expect(200);
    const path = new URL(FEED_URL.exec(page.text)![1]).pathname;
    const reads: number[] = [];
    for (let i = 0; i < 6; i++) reads.push((await request(env.api.server).get(path)).status);
    expect(reads).toEqual([200, 200, 200, 200, 200, 429]);
    const guesses: number[] = [];
    for (let i = 0; i < 6; i++) guesses.push((await request(env.api.server).get(`/calendar/${'A'.repeat(42)}${i}.ics`)).status);
    // The refused sixth read counts as a failure of the address too (as on /j/): four guesses more and it is paused.
    expect(guesses).toEqual([404, 404, 404, 404, 429, 429]);
    // Paused: even the right feed, from this address, until the minute is over.
    expect((await request(env.api.server).get(path)).status).toBe(429);
  }, 90_000);
});
