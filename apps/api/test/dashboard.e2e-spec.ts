import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { FixedClock } from '@moderato/core';
import { User } from '@moderato/identity';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

/** The part of a page about one day of the week view (`<li data-week-day="…">` up to the next day). */
const dayOf = (html: string, day: string) => html.split('data-week-day="').find((part) => part.startsWith(`${day}"`)) ?? '';
/** The dashboard's entries in page order: meeting id and start. */
const agendaOf = (html: string) => [...html.matchAll(/data-agenda-item="([0-9a-f-]{36})" data-starts-at="([^"]+)"/g)].map((m) => [m[1], m[2]]);
/** The dashboard's entry of one date (its <li> … </li>). */
const entryOf = (html: string, id: string, startsAt: string) => {
  const start = html.indexOf(`data-agenda-item="${id}" data-starts-at="${startsAt}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</li>', start));
};

describe('the dashboard ("Today and this week") and the week view', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let teacher: TestAgent;
  let student: TestAgent;
  // Monday 7 December 2026, 08:50 in Berlin.
  const clock = new FixedClock(new Date('2026-12-07T07:50:00Z'));
  const ids: Record<string, string> = {};

  const create = async (agent: TestAgent, body: Record<string, unknown>) => {
    const res = await agent
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(agent))
      .send({ timezone: 'Europe/Berlin', joinWindowMinutesBefore: 15, ...body });
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number };
  };

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    teacher = await env.signIn('teacher@school.test');
    student = await env.signIn('student@school.test');
    const other = await env.signIn('teacher2@school.test');
    await dataSource.getRepository(User).update({ email: 'teacher@school.test' }, { timezone: 'Europe/Berlin' });
    await dataSource.getRepository(User).update({ email: 'student@school.test' }, { timezone: 'Europe/Berlin' });
    const sam = [{ email: 'student@school.test', name: 'Sam Student' }];
    // Today 09:00–09:45 Berlin: its window opened at 08:45, so Start (teacher) and Join (Sam) work now.
    ids.now = (await create(teacher, { title: 'Maths now', startsAt: '2026-12-07T09:00:00+01:00', endsAt: '2026-12-07T09:45:00+01:00', invitees: sam })).id;
    // Today 11:15 Berlin: opens at 11:00, in 2 h 10 min.
    ids.later = (
      await create(teacher, { title: 'Biology later', startsAt: '2026-12-07T11:15:00+01:00', endsAt: '2026-12-07T12:00:00+01:00', invitees: sam })
    ).id;
    // Tomorrow 11:00 Berlin: opens at 10:45 tomorrow, in 1 day 1 h (and 55 min, left out).
    ids.tomorrow = (
      await create(teacher, { title: 'Chemistry tomorrow', startsAt: '2026-12-08T11:00:00+01:00', endsAt: '2026-12-08T12:00:00+01:00', invitees: sam })
    ).id;
    // Tuesday, Thursday, Saturday 00:30 Berlin (23:30 the day before in UTC), 6 dates; Thursday 10 December cancelled.
    const series = await create(teacher, {
      title: 'Night series',
      startsAt: '2026-12-08T00:30:00+01:00',
      endsAt: '2026-12-08T01:15:00+01:00',
      recurrence: 'FREQ=WEEKLY;BYDAY=TU,TH,SA;COUNT=6',
      invitees: sam,
    });
    ids.series = series.id;
    await teacher
      .patch(`/api/v1/meetings/${series.id}/occurrences/${encodeURIComponent('2026-12-09T23:30:00.000Z')}`)
      .set('x-csrf-token', await env.csrf(teacher))
      .send({ cancelled: true, version: series.version })
      .expect(200);
    // Another teacher's meeting today, without our teacher or Sam.
    ids.other = (await create(other, { title: 'Staff only', startsAt: '2026-12-07T10:00:00+01:00', endsAt: '2026-12-07T11:00:00+01:00' })).id;
  });
  afterAll(async () => {
    await env?.close();
  });

  it("lists the organizer's next dates with Start inside the join window and the time until it opens otherwise; no cancelled date, no one else's meeting", async () => {
    const page = await teacher.get('/').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('Today and this week');
    expect(page.text).toContain('Times in Europe/Berlin');
    expect(agendaOf(page.text)).toEqual([
      [ids.now, '2026-12-07T08:00:00.000Z'],
      [ids.later, '2026-12-07T10:15:00.000Z'],
      [ids.series, '2026-12-07T23:30:00.000Z'],
      [ids.tomorrow, '2026-12-08T10:00:00.000Z'],
      // Thursday 10 December cancelled; Saturday 12 December within the next 7 days, Tuesday 15 December not.
      [ids.series, '2026-12-11T23:30:00.000Z'],
    ]);
    const now = entryOf(page.text, ids.now, '2026-12-07T08:00:00.000Z');
    expect(now).toContain(`href="/meetings/${ids.now}/start"`);
    expect(now).toContain('>Start<');
    expect(now).toMatch(/9:00\sAM–9:45\sAM/);
    expect(entryOf(page.text, ids.later, '2026-12-07T10:15:00.000Z')).toContain('Opens in 2 h 10 min');
    expect(entryOf(page.text, ids.later, '2026-12-07T10:15:00.000Z')).not.toContain('data-join');
    expect(entryOf(page.text, ids.tomorrow, '2026-12-08T10:00:00.000Z')).toContain('Opens in 1 day 1 h<');
    expect(page.text).toContain('>Tomorrow<');
    expect(page.text).not.toContain(ids.other);
    expect(page.text).not.toContain('2026-12-09T23:30:00.000Z');
    // The marketing cards are gone.
    expect(page.text).not.toContain('class="features"');
  });

  it('shows the invitee their invitations with Join (their personal link) in German, with German plurals', async () => {
    const page = await student.get('/').set('Accept-Language', 'de').expect(200);
    expect(page.text).toContain('Heute und diese Woche');
    const now = entryOf(page.text, ids.now, '2026-12-07T08:00:00.000Z');
    expect(now).toMatch(/href="\/j\/[A-Za-z0-9_-]+"/);
    expect(now).toContain('>Teilnehmen<');
    expect(entryOf(page.text, ids.later, '2026-12-07T10:15:00.000Z')).toContain('Öffnet in 2 Std. 10 Min.');
    expect(entryOf(page.text, ids.tomorrow, '2026-12-08T10:00:00.000Z')).toContain('Öffnet in 1 Tag 1 Std.<');
    expect(page.text).not.toContain(ids.other);
    // Saturday 12 December, seen on Sunday evening: days in the plural.
    clock.set(new Date('2026-12-06T22:00:00Z'));
    const earlier = await student.get('/').set('Accept-Language', 'de').expect(200);
    expect(entryOf(earlier.text, ids.series, '2026-12-11T23:30:00.000Z')).toContain('Öffnet in 5 Tagen 1 Std.<');
    clock.set(new Date('2026-12-07T07:50:00Z'));
  });

  it('agrees with My meetings and My invitations on which date can be started or joined now', async () => {
    const meetings = await teacher.get('/meetings').expect(200);
    const invitations = await student.get('/invitations').expect(200);
    const dashboard = await student.get('/').expect(200);
    expect(meetings.text).toContain(`/meetings/${ids.now}/start`);
    expect(meetings.text).not.toContain(`/meetings/${ids.later}/start`);
    const joinLinks = (html: string) => [...html.matchAll(/href="(\/j\/[A-Za-z0-9_-]+)"/g)].map((m) => m[1]).sort();
    expect(joinLinks(dashboard.text)).toEqual(joinLinks(invitations.text));
    expect(joinLinks(dashboard.text)).toHaveLength(1);
  });

  it("puts a series' dates into the right day columns of the reader's week, with previous and next week", async () => {
    const week = await teacher.get('/week').set('Accept-Language', 'en').expect(200);
    expect(week.text).toContain('Week of December 7, 2026');
    expect(week.text).toContain('href="/week?start=2026-11-30"');
    expect(week.text).toContain('href="/week?start=2026-12-14"');
    // 00:30 Berlin is the day before in UTC: the Berlin reader sees Tuesday and Saturday (Thursday is cancelled).
    expect(dayOf(week.text, '2026-12-07')).not.toContain(ids.series);
    expect(dayOf(week.text, '2026-12-07')).toContain(ids.now);
    expect(dayOf(week.text, '2026-12-08')).toContain(ids.series);
    expect(dayOf(week.text, '2026-12-08')).toContain(ids.tomorrow);
    expect(dayOf(week.text, '2026-12-10')).not.toContain(ids.series);
    expect(dayOf(week.text, '2026-12-10')).toContain('Nothing planned');
    expect(dayOf(week.text, '2026-12-12')).toContain(ids.series);
    expect(week.text).not.toContain(ids.other);
    expect(week.text.match(/data-week-day="/g)).toHaveLength(7);
    expect(week.text).toContain(`href="/meetings/${ids.now}/start"`);

    // The next week, from any of its days: Tuesday 15, Thursday 17 and Saturday 19 (the series' last three dates).
    const next = await teacher.get('/week?start=2026-12-17').set('Accept-Language', 'de').expect(200);
    expect(next.text).toContain('Woche ab 14. Dezember 2026');
    for (const day of ['2026-12-15', '2026-12-17', '2026-12-19']) expect(dayOf(next.text, day)).toContain(ids.series);
    expect(dayOf(next.text, '2026-12-16')).toContain('Nichts geplant');
    const previous = await teacher.get('/week?start=2026-11-30').expect(200);
    expect(previous.text).not.toContain('data-agenda-item=');

    // A reader in UTC sees the same dates on Monday, Wednesday (cancelled: not shown) and Friday.
    await dataSource.getRepository(User).update({ email: 'teacher@school.test' }, { timezone: 'UTC' });
    const utc = await teacher.get('/week?start=2026-12-07').expect(200);
    expect(dayOf(utc.text, '2026-12-07')).toContain(ids.series);
    expect(dayOf(utc.text, '2026-12-08')).not.toContain(ids.series);
    expect(dayOf(utc.text, '2026-12-09')).not.toContain(ids.series);
    expect(dayOf(utc.text, '2026-12-11')).toContain(ids.series);
    await dataSource.getRepository(User).update({ email: 'teacher@school.test' }, { timezone: 'Europe/Berlin' });
  });

  it('answers a bad week date with 400 and says what is wrong', async () => {
    for (const bad of ['2026-13-45', 'tomorrow', '2026-02-30', '99999-01-01']) {
      const res = await teacher
        .get(`/week?start=${encodeURIComponent(bad)}`)
        .set('Accept', 'text/html')
        .set('Accept-Language', 'en')
        .expect(400);
      expect(res.text).toContain('Enter a date from 2000 to 2099, such as 2026-12-07');
    }
    const german = await teacher.get('/week?start=2026-13-45').set('Accept', 'text/html').set('Accept-Language', 'de').expect(400);
    expect(german.text).toContain('Geben Sie ein Datum von 2000 bis 2099 ein, zum Beispiel 2026-12-07');
  });

  it('keeps the signed-out page simple and the week view behind sign-in', async () => {
    const { default: request } = await import('supertest');
    const page = await request(env.api.server).get('/').expect(200);
    expect(page.text).not.toContain('data-agenda');
    expect(page.text).toContain('/auth/login');
    const week = await request(env.api.server).get('/week').set('Accept', 'text/html');
    expect([302, 303, 401]).toContain(week.status);
  });
});
