import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { QUEUES, redisOptionsFromUrl } from '@moderato/jobs';
import { Invitation, InvitationsService, OutboxMessage, SchedulingService } from '@moderato/meetings';
import { Factories, LogCapture, freePort, startSmtpSink, startTestLdap, testConfig, testRedisUrl, type SmtpSink } from '@moderato/testing';
// The mails are sent by the real worker, the way an operator runs both.
// eslint-disable-next-line no-restricted-imports
import { createWorker } from '../../worker/src/bootstrap';
import { csrfTokenOf, startApi, type RunningApi } from './api-app';
import { ldapSignIn, registerJitsiServer, startSignedInApi } from './signed-in';

// Redis database 8 belongs to this file: its worker must not take other files' jobs.
const redisUrl = testRedisUrl(8);
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
const CLASS_7B = Array.from({ length: 30 }, (_, i) => `k7b${String(i + 1).padStart(2, '0')}`);

/** Directory search and whole-group invitations: LDAP (real OpenLDAP) → invitations → outbox → worker → SMTP. */
describe('inviting a directory group (class 7b, 30 people) with mails through the worker', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sink: SmtpSink;
  let teacher: TestAgent;
  let csrf: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    const ldap = await startTestLdap();
    sink = await startSmtpSink();
    const queue = new Queue(QUEUES.mail, { connection: redisOptionsFromUrl(redisUrl) });
    await queue.obliterate({ force: true });
    await queue.close();
    api = await startApi({ env: { ...ldap.env, REDIS_URL: redisUrl, SMTP_URL: sink.url } });
    worker = await createWorker({
      config: testConfig(api.db.url, { ...ldap.env, REDIS_URL: redisUrl, SMTP_URL: sink.url }),
      logDestination: new LogCapture(),
      mail: { pollIntervalMs: 100, retryDelayMs: 200 },
    });
    await worker.init();
    await registerJitsiServer(api);
    dataSource = api.app.get(DataSource);
    teacher = request.agent(api.server);
    expect((await ldapSignIn(teacher, 'teacher', 'teacher-pw')).status).toBe(303);
    csrf = csrfTokenOf((await teacher.get('/').expect(200)).text);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.stop();
  });

  async function scheduleMeeting(title: string): Promise<string> {
    const start = new Date(Date.now() + 2 * 24 * 3600_000);
    const { body } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({ title, startsAt: iso(start), endsAt: iso(new Date(start.getTime() + 45 * 60_000)), timezone: 'Europe/Berlin' })
      .expect(201);
    return body.id as string;
  }

  it('finds the class on the meeting page and invites all 30 in one step: 30 invitations, 30 mails', async () => {
    const id = await scheduleMeeting('Maths 7b');
    const found = await teacher.get(`/meetings/${id}?find=7b`).set('Accept-Language', 'en').expect(200);
    expect(found.text).toContain('data-directory-group="7b"');
    expect(found.text).toContain('Invite all 30');

    const added = await teacher.post(`/meetings/${id}/invitations/group`).type('form').send({ _csrf: csrf, group: '7b' }).expect(303);
    expect(added.headers.location).toBe(`/meetings/${id}`);
    const page = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('30 people of 7b are invited.');
    expect(page.text).toContain('7b (30 people)');
    expect((await teacher.get(`/meetings/${id}`).set('Accept-Language', 'de').expect(200)).text).toContain('7b (30 Personen)');

    const invitations = await dataSource.getRepository(Invitation).find({ where: { meetingId: id } });
    expect(invitations).toHaveLength(30);
    expect(new Set(invitations.map((i) => i.groupName))).toEqual(new Set(['7b']));
    expect(invitations.map((i) => i.email).sort()).toEqual(
      CLASS_7B.map(
        (uid, i) =>
          `${['anna', 'ben', 'clara', 'david', 'emma', 'felix', 'greta', 'hannah', 'ida', 'jonas', 'karl', 'lena', 'mia', 'noah', 'olga', 'paul', 'quirin', 'rosa', 'sofia', 'tim', 'uwe', 'vera', 'wim', 'xaver', 'yara', 'zoe', 'arne', 'berta', 'carlo', 'dora'][i]}.${uid}@school.test`,
      ).sort(),
    );

    const mails = await sink.waitFor(30, 30_000);
    const recipients = mails.flatMap((mail) => (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((to) => to.value.map((v) => v.address)));
    expect(new Set(recipients)).toEqual(new Set(invitations.map((i) => i.email)));
    expect(mails.every((mail) => mail.subject?.includes('Maths 7b'))).toBe(true);
    const audit = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'invitation.group_added', subjectId: id });
    expect(audit.metadata).toMatchObject({ group: '7b', count: 30, skipped: 0 });
  });

  it('a member of an invited group follows the mailed link, signs in with LDAP and gets into the room; others do not', async () => {
    const start = new Date(Date.now() + 5 * 60_000);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({ title: 'Staff briefing', startsAt: iso(start), endsAt: iso(new Date(start.getTime() + 30 * 60_000)), timezone: 'Europe/Berlin' })
      .expect(201);
    const before = sink.messages.length;
    await teacher.post(`/api/v1/meetings/${meeting.id}/invitations/group`).set('x-csrf-token', csrf).send({ group: 'admins' }).expect(201);
    const mail = (await sink.waitFor(before + 1, 15_000)).slice(before).find((m) => m.subject?.includes('Staff briefing'))!;
    const link = /http:\/\/localhost:3000(\/j\/[A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1];

    const admin = request.agent(api.server);
    const toLogin = await admin.get(link).expect(303);
    expect(toLogin.headers.location).toBe(`/auth/login?returnTo=${encodeURIComponent(link)}`);
    const signedIn = await ldapSignIn(admin, 'admin', 'admin-pw', link);
    expect(signedIn.headers.location).toBe(link);
    const room = new URL((await admin.get(link).expect(302)).headers.location);
    expect(`${room.origin}${room.pathname}`).toBe(`https://meet.school.test/${meeting.roomName}`);
    const payload = JSON.parse(Buffer.from(room.searchParams.get('jwt')!.split('.')[1], 'base64url').toString());
    expect(payload.context.user).toMatchObject({ affiliation: 'member', moderator: false, email: 'ada.admin@school.test' });

    const other = request.agent(api.server);
    expect((await ldapSignIn(other, 'k7b02', 'k7b02-pw')).status).toBe(303);
    await other.get(link).expect(403);
  });

  it('through the REST API: a second group skips who is invited already; the same group again adds nobody', async () => {
    const id = await scheduleMeeting('Assembly');
    const first = await teacher.post(`/api/v1/meetings/${id}/invitations/group`).set('x-csrf-token', csrf).send({ group: '7b' }).expect(201);
    expect(first.body).toMatchObject({ group: '7b', members: 30, withoutEmail: 0, skipped: [] });
    expect(first.body.invitations).toHaveLength(30);
    expect(first.body.invitations[0]).toMatchObject({ group: '7b', role: 'participant', status: 'pending' });

    const students = await teacher
      .post(`/api/v1/meetings/${id}/invitations/group`)
      .set('x-csrf-token', csrf)
      .send({ group: 'students', role: 'participant' })
      .expect(201);
    expect(students.body.invitations.map((i: { email: string; group: string }) => [i.email, i.group])).toEqual([['sam.schueler@school.test', 'students']]);
    expect(students.body.skipped).toHaveLength(30);
    const again = await teacher.post(`/api/v1/meetings/${id}/invitations/group`).set('x-csrf-token', csrf).send({ group: '7b' }).expect(201);
    expect(again.body.invitations).toEqual([]);
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: id })).toBe(31);
    const page = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('7b (30 people)');
    expect(page.text).toContain('students (1 person)');
  });

  it('searches the directory (people and groups) through the REST API, literally', async () => {
    const found = await teacher.get('/api/v1/directory/search?q=lehrer').expect(200);
    expect(found.body).toEqual({ people: [{ email: 'tina.lehrer@school.test', name: 'Tina Lehrer' }], groups: [] });
    const groups = await teacher.get('/api/v1/directory/search?q=7b').expect(200);
    expect(groups.body.groups).toEqual([{ name: '7b', memberCount: 30 }]);
    expect((await teacher.get('/api/v1/directory/search?q=*').expect(400)).body.details).toEqual([
      { field: 'q', messages: ['q must have at least 2 characters'] },
    ]);
    expect((await teacher.get('/api/v1/directory/search?q=**').expect(200)).body).toEqual({ people: [], groups: [] });
  });

  it('refuses what is not allowed or does not exist, and writes nothing', async () => {
    const id = await scheduleMeeting('Private');
    const student = request.agent(api.server);
    expect((await ldapSignIn(student, 'student', 'student-pw')).status).toBe(303);
    const studentCsrf = csrfTokenOf((await student.get('/').expect(200)).text);
    await student.get('/api/v1/directory/search?q=7b').expect(403);
    await student.post(`/api/v1/meetings/${id}/invitations/group`).set('x-csrf-token', studentCsrf).send({ group: '7b' }).expect(404);
    const unknown = await teacher.post(`/api/v1/meetings/${id}/invitations/group`).set('x-csrf-token', csrf).send({ group: 'no-such-group' }).expect(404);
    expect(unknown.body.code).toBe('DIRECTORY_GROUP_NOT_FOUND');
    const invalid = await teacher.post(`/api/v1/meetings/${id}/invitations/group`).set('x-csrf-token', csrf).send({ group: '' }).expect(400);
    expect(invalid.body.details).toEqual([{ field: 'group', messages: ['group must not be empty'] }]);
    await teacher.post(`/meetings/${id}/invitations/group`).type('form').send({ group: '7b' }).expect(403); // no CSRF token
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: id })).toBe(0);
  });

  it('does not offer a group whose members the membership mode cannot read (a posixGroup under memberOf), and inviting it by name says why', async () => {
    const id = await scheduleMeeting('Chess');
    const found = await teacher.get(`/meetings/${id}?find=chess`).set('Accept-Language', 'en').expect(200);
    expect(found.text).not.toContain('data-directory-group="chess-club"');
    expect(found.text).not.toContain('Invite all');
    expect((await teacher.get('/api/v1/directory/search?q=chess').expect(200)).body.groups).toEqual([]);

    const api = await teacher.post(`/api/v1/meetings/${id}/invitations/group`).set('x-csrf-token', csrf).send({ group: 'chess-club' }).expect(400);
    expect(api.body).toMatchObject({ code: 'DIRECTORY_GROUP_UNREADABLE', details: { group: 'chess-club', membership: 'memberOf' } });
    await teacher.post(`/meetings/${id}/invitations/group`).type('form').send({ _csrf: csrf, group: 'chess-club' }).expect(303);
    const page = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('The members of chess-club cannot be read with the directory&#39;s group setting, so nobody was invited.');
    expect(page.text).not.toContain('0 people of chess-club are invited');
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: id })).toBe(0);
  });

  it('names the members without an email address in the result, on the page (en, de) and in the API', async () => {
    const id = await scheduleMeeting('Choir practice');
    expect((await teacher.get('/api/v1/directory/search?q=choir').expect(200)).body.groups).toEqual([{ name: 'choir', memberCount: 3 }]);
    await teacher.post(`/meetings/${id}/invitations/group`).type('form').send({ _csrf: csrf, group: 'choir' }).expect(303);
    const page = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('2 people of choir are invited. 1 member has no email address and is not invited: Nora Ohnemail.');

    const other = await scheduleMeeting('Choir concert');
    await teacher.post(`/meetings/${other}/invitations/group`).type('form').send({ _csrf: csrf, group: 'choir' }).set('Accept-Language', 'de').expect(303);
    const german = await teacher.get(`/meetings/${other}`).set('Accept-Language', 'de').expect(200);
    expect(german.text).toContain('2 Personen aus choir sind eingeladen. 1 Mitglied hat keine E-Mail-Adresse und ist nicht eingeladen: Nora Ohnemail.');

    const third = await scheduleMeeting('Choir trip');
    const res = await teacher.post(`/api/v1/meetings/${third}/invitations/group`).set('x-csrf-token', csrf).send({ group: 'choir' }).expect(201);
    expect(res.body).toMatchObject({ group: 'choir', members: 2, withoutEmail: 1, withoutEmailNames: ['Nora Ohnemail'] });
    expect(res.body.message).toBe('2 people of choir are invited. 1 member has no email address and is not invited: Nora Ohnemail.');
    expect(res.body.invitations.map((i: { email: string }) => i.email)).toEqual(['clara.k7b03@school.test', 'david.k7b04@school.test']);
  });

  it('invites one person found in the directory from the meeting page', async () => {
    const id = await scheduleMeeting('Talk');
    const found = await teacher.get(`/meetings/${id}?find=sam`).set('Accept-Language', 'en').expect(200);
    expect(found.text).toContain('data-directory-person="sam.schueler@school.test"');
    await teacher
      .post(`/meetings/${id}/invitations/person`)
      .type('form')
      .send({ _csrf: csrf, email: 'sam.schueler@school.test', name: 'Sam Schüler' })
      .expect(303);
    expect((await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200)).text).toContain('sam.schueler@school.test is invited.');
    await teacher
      .post(`/meetings/${id}/invitations/person`)
      .type('form')
      .send({ _csrf: csrf, email: 'sam.schueler@school.test', name: 'Sam Schüler' })
      .expect(303);
    expect((await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200)).text).toContain('sam.schueler@school.test was invited already.');
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: id })).toBe(1);
  });
});

describe('a 1,000-member group', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('is written in one transaction with one batch of outbox rows', async () => {
    const dataSource = api.app.get(DataSource);
    const factories = new Factories(dataSource);
    const organizer = await factories.organizer();
    await factories.server();
    const caller = { user: organizer, roles: ['participant', 'organizer'] };
    const meetings = api.app.get(SchedulingService);
    const inviting = api.app.get(InvitationsService);
    const start = new Date(Date.now() + 3 * 24 * 3600_000);
    const { meeting } = await meetings.create(caller, {
      title: 'Year 7 assembly',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3600_000).toISOString(),
      timezone: 'UTC',
    });
    const members = Array.from({ length: 1000 }, (_, i) => ({ email: `pupil${i}@school.test`, name: `Pupil ${i}` }));

    const { invitations, skipped } = await inviting.addGroupInvitees(caller, meeting.id, { name: 'Year 7', members });
    expect(invitations).toHaveLength(1000);
    expect(skipped).toEqual([]);
    const rows = await dataSource.getRepository(Invitation).find({ where: { meetingId: meeting.id } });
    expect(rows).toHaveLength(1000);
    expect(rows.every((row) => row.groupName === 'Year 7')).toBe(true);
    // now() is the transaction's start: one timestamp for all rows means one transaction.
    expect(new Set(rows.map((row) => row.createdAt.getTime())).size).toBe(1);
    const outbox = await dataSource
      .getRepository(OutboxMessage)
      .createQueryBuilder('m')
      .innerJoin(Invitation, 'i', 'i.id = m.invitation_id')
      .where('i.meeting_id = :id AND m.kind = :kind', { id: meeting.id, kind: 'invite' })
      .getMany();
    expect(outbox).toHaveLength(1000);
    expect(new Set(outbox.map((row) => row.createdAt.getTime()))).toEqual(new Set([rows[0].createdAt.getTime()]));

    // Too large a group is refused as a whole.
    const tooMany = Array.from({ length: 2001 }, (_, i) => ({ email: `big${i}@school.test` }));
    await expect(inviting.addGroupInvitees(caller, meeting.id, { name: 'Everyone', members: tooMany })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: meeting.id })).toBe(1000);
  });
});

describe('the directory down while an OpenID Connect teacher invites', () => {
  it('says so (503 for the API, a note on the page) and writes nothing', async () => {
    const { env: ldapEnv } = await startTestLdap();
    const env = await startSignedInApi({ env: { ...ldapEnv, LDAP_URL: `ldap://127.0.0.1:${await freePort()}` } });
    try {
      await registerJitsiServer(env.api);
      const teacher = await env.signIn('teacher@school.test');
      const csrf = await env.csrf(teacher);
      const start = new Date(Date.now() + 2 * 24 * 3600_000);
      const { body: meeting } = await teacher
        .post('/api/v1/meetings')
        .set('x-csrf-token', csrf)
        .send({ title: 'Offline', startsAt: iso(start), endsAt: iso(new Date(start.getTime() + 3600_000)), timezone: 'UTC' })
        .expect(201);
      const search = await teacher.get('/api/v1/directory/search?q=7b').expect(503);
      expect(search.body.code).toBe('DIRECTORY_UNAVAILABLE');
      const page = await teacher.get(`/meetings/${meeting.id}?find=7b`).set('Accept-Language', 'en').expect(200);
      expect(page.text).toContain('The directory does not answer right now.');
      const invite = await teacher
        .post(`/meetings/${meeting.id}/invitations/group`)
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: csrf, group: '7b' })
        .expect(503);
      expect(invite.text).toContain('Temporarily unavailable');
      const apiInvite = await teacher.post(`/api/v1/meetings/${meeting.id}/invitations/group`).set('x-csrf-token', csrf).send({ group: '7b' }).expect(503);
      // The organizer never sees where the directory runs.
      for (const text of [JSON.stringify(search.body), page.text, invite.text, JSON.stringify(apiInvite.body)])
        expect(text).not.toMatch(/ldap:\/\/|127\.0\.0\.1:\d+/);
      expect(await env.api.app.get(DataSource).getRepository(Invitation).countBy({ meetingId: meeting.id })).toBe(0);
    } finally {
      await env.close();
    }
  });

  it('a wrong search-account password is a configuration error, said as such (not "does not answer"), without the LDAP URL', async () => {
    const { env: ldapEnv, url } = await startTestLdap();
    const env = await startSignedInApi({ env: { ...ldapEnv, LDAP_BIND_PASSWORD: 'not-the-service-secret' } });
    try {
      await registerJitsiServer(env.api);
      const teacher = await env.signIn('teacher@school.test');
      const csrf = await env.csrf(teacher);
      const start = new Date(Date.now() + 2 * 24 * 3600_000);
      const { body: meeting } = await teacher
        .post('/api/v1/meetings')
        .set('x-csrf-token', csrf)
        .send({ title: 'Misconfigured', startsAt: iso(start), endsAt: iso(new Date(start.getTime() + 3600_000)), timezone: 'UTC' })
        .expect(201);
      const search = await teacher.get('/api/v1/directory/search?q=7b').expect(503);
      expect(search.body.code).toBe('DIRECTORY_MISCONFIGURED');
      const page = await teacher.get(`/meetings/${meeting.id}?find=7b`).set('Accept-Language', 'en').expect(200);
      expect(page.text).toContain('The directory refuses Moderato&#39;s settings (a configuration error');
      expect(page.text).not.toContain('does not answer');
      const german = await teacher.get(`/meetings/${meeting.id}?find=7b`).set('Accept-Language', 'de').expect(200);
      expect(german.text).toContain('Konfigurationsfehler');
      const invite = await teacher
        .post(`/meetings/${meeting.id}/invitations/group`)
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: csrf, group: '7b' })
        .expect(503);
      expect(invite.text).toContain('a configuration error');
      expect(invite.text).not.toContain('does not answer');
      for (const text of [JSON.stringify(search.body), page.text, invite.text]) {
        expect(text).not.toContain(url);
        expect(text).not.toContain('not-the-service-secret');
      }
      expect(await env.api.app.get(DataSource).getRepository(Invitation).countBy({ meetingId: meeting.id })).toBe(0);
    } finally {
      await env.close();
    }
  });
});
