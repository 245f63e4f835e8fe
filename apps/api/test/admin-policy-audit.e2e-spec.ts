import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const HOUR = 3_600_000;

describe('Administration: organisation policy and audit log', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let admin: TestAgent;
  let adminCsrf: string;
  let teacher: TestAgent;
  let teacherCsrf: string;
  const clock = new FixedClock(new Date('2026-12-07T08:00:00Z'));
  const meeting = (minutes: number, extra: Record<string, unknown> = {}) => ({
    title: `Lesson of ${minutes} minutes`,
    startsAt: new Date(clock.now().getTime() + 24 * HOUR).toISOString(),
    endsAt: new Date(clock.now().getTime() + 24 * HOUR + minutes * 60_000).toISOString(),
    timezone: 'Europe/Berlin',
    ...extra,
  });

  beforeAll(async () => {
    env = await startSignedInApi({ clock, env: { SESSION_IDLE_MINUTES: '120', TOKEN_MAX_TTL_MINUTES: '90', GUEST_ACCESS_ALLOWED: 'false' } });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
    teacher = await env.signIn('teacher@school.test');
    teacherCsrf = await env.csrf(teacher);
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('policy', () => {
    it('starts with the environment defaults', async () => {
      const res = await admin.get('/api/v1/admin/policy').expect(200);
      expect(res.body.policy).toMatchObject({
        sessionIdleMinutes: 120,
        tokenMaxTtlMinutes: 90,
        guestAccessAllowed: false,
        joinWindowBeforeMinutes: 15,
        maxMeetingMinutes: 1440,
        defaultLocale: 'en',
        productName: 'Moderato',
      });
      expect(res.body.updatedAt).toBeNull();
      const page = await admin.get('/admin/policy').expect(200);
      expect(page.text).toContain('name="tokenMaxTtlMinutes" type="number" value="90"');
    });

    it('a shorter maximum meeting length applies to the next meeting', async () => {
      await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting(120)).expect(201);
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ maxMeetingMinutes: 90 }).expect(200);
      const refused = await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting(120)).expect(400);
      expect(refused.body.details).toEqual([{ field: 'endsAt', messages: ['a meeting may last at most 90 minutes (organisation policy)'] }]);
      await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting(90)).expect(201);
    });

    it('the default join window of new meetings comes from the policy', async () => {
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ joinWindowBeforeMinutes: 30, joinWindowAfterMinutes: 10 }).expect(200);
      const created = await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting(45)).expect(201);
      expect(created.body).toMatchObject({ joinWindowMinutesBefore: 30, joinWindowMinutesAfter: 10 });
    });

    it('guest access needs the policy', async () => {
      const options = { options: { guestAccess: true } };
      const refused = await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting(45, options)).expect(400);
      expect(refused.body.details[0].field).toBe('options.guestAccess');
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ guestAccessAllowed: true }).expect(200);
      await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting(45, options)).expect(201);
    });

    it('organizers are limited to the servers the policy names', async () => {
      const other = await admin
        .post('/api/v1/admin/servers')
        .set('x-csrf-token', adminCsrf)
        .send({ name: 'Second', baseUrl: 'https://meet2.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' })
        .expect(201);
      await admin
        .put('/api/v1/admin/policy')
        .set('x-csrf-token', adminCsrf)
        .send({ organizerServerIds: [other.body.id] })
        .expect(200);
      const created = await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting(45)).expect(201);
      expect(created.body.serverId).toBe(other.body.id);
      const [first] = await dataSource.query("SELECT id FROM jitsi_servers WHERE name = 'Jitsi'");
      const refused = await teacher
        .post('/api/v1/meetings')
        .set('x-csrf-token', teacherCsrf)
        .send(meeting(45, { serverId: first.id }))
        .expect(400);
      expect(refused.body.code).toBe('NO_SERVER_AVAILABLE');
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ organizerServerIds: [] }).expect(200);
    });

    it('the New meeting form offers the servers the policy allows, and the policy default join window', async () => {
      const servers: { id: string; name: string }[] = await dataSource.query('SELECT id, name FROM jitsi_servers ORDER BY created_at');
      expect(servers.map((server) => server.name)).toEqual(['Jitsi', 'Second']);
      const both = await teacher.get('/meetings/new').set('accept-language', 'en').expect(200);
      expect(both.text).toContain('<label for="f-serverId">Jitsi server</label>');
      expect(both.text).toContain('name="joinBefore" type="number" value="30"');
      const posted = await teacher
        .post(`/meetings?_csrf=${encodeURIComponent(teacherCsrf)}`)
        .field('title', 'On the second server')
        .field('date', '2027-03-01')
        .field('startTime', '10:00')
        .field('endTime', '10:45')
        .field('timezone', 'Europe/Berlin')
        .field('repeat', 'none')
        .field('joinBefore', '30')
        .field('serverId', servers[1].id)
        .expect(303);
      const [row] = await dataSource.query('SELECT server_id FROM meetings WHERE id = $1', [posted.headers.location.split('/').pop()]);
      expect(row.server_id).toBe(servers[1].id);
      await admin
        .put('/api/v1/admin/policy')
        .set('x-csrf-token', adminCsrf)
        .send({ organizerServerIds: [servers[0].id] })
        .expect(200);
      const one = await teacher.get('/meetings/new').set('accept-language', 'en').expect(200);
      expect(one.text).not.toContain('f-serverId');
      await dataSource.query('UPDATE jitsi_servers SET enabled = false WHERE id = $1', [servers[0].id]);
      const none = await teacher.get('/meetings/new').set('accept-language', 'en').expect(200);
      expect(none.text).toContain('data-no-server');
      await dataSource.query('UPDATE jitsi_servers SET enabled = true WHERE id = $1', [servers[0].id]);
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ organizerServerIds: [] }).expect(200);
    });

    it('a shorter token lifetime bounds the Jitsi tokens minted from then on', async () => {
      const soon = {
        ...meeting(45),
        startsAt: new Date(clock.now().getTime() + 5 * 60_000).toISOString(),
        endsAt: new Date(clock.now().getTime() + 50 * 60_000).toISOString(),
      };
      const created = (await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(soon).expect(201)).body;
      const exp = async () => {
        const start = await teacher.get(`/meetings/${created.id}/start`).expect(302);
        const token = new URL(start.headers.location).searchParams.get('jwt')!;
        return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
      };
      const now = Math.floor(clock.now().getTime() / 1000);
      expect(await exp()).toBeGreaterThan(now + 20 * 60);
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ tokenMaxTtlMinutes: 10 }).expect(200);
      expect(await exp()).toBeLessThanOrEqual(now + 10 * 60);
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ tokenMaxTtlMinutes: 90 }).expect(200);
    });

    it('session lifetimes: a shorter idle time signs people out sooner', async () => {
      const student = await env.signIn('student@school.test');
      await admin.put('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).send({ sessionIdleMinutes: 30 }).expect(200);
      clock.advance(31 * 60_000);
      await student.get('/api/v1/me').expect(401);
      admin = await env.signIn('admin@school.test');
      adminCsrf = await env.csrf(admin);
      teacher = await env.signIn('teacher@school.test');
      teacherCsrf = await env.csrf(teacher);
    });

    it('invalid values: 400 with a message per field, and nothing saved', async () => {
      const before = (await admin.get('/api/v1/admin/policy').expect(200)).body.policy;
      const res = await admin
        .put('/api/v1/admin/policy')
        .set('x-csrf-token', adminCsrf)
        .send({ tokenMaxTtlMinutes: 2, logoUrl: 'javascript:alert(1)', defaultLocale: 'fr', organizerServerIds: ['nope'], productName: '' })
        .expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'defaultLocale',
        'logoUrl',
        'organizerServerIds',
        'productName',
        'tokenMaxTtlMinutes',
      ]);
      const unknownServer = await admin
        .put('/api/v1/admin/policy')
        .set('x-csrf-token', adminCsrf)
        .send({ organizerServerIds: ['7d9f1c8e-0000-4000-8000-000000000000'] })
        .expect(400);
      expect(unknownServer.body.details[0].field).toBe('organizerServerIds');
      const idleTooLong = await admin
        .put('/api/v1/admin/policy')
        .set('x-csrf-token', adminCsrf)
        .send({ sessionIdleMinutes: 600, sessionMaxHours: 2 })
        .expect(400);
      expect(idleTooLong.body.details[0].field).toBe('sessionIdleMinutes');
      expect((await admin.get('/api/v1/admin/policy').expect(200)).body.policy).toEqual(before);
    });

    it('the settings form re-shows errors with the input kept', async () => {
      const form = await admin
        .post('/admin/policy')
        .type('form')
        .send({
          _csrf: adminCsrf,
          joinWindowBeforeMinutes: '15',
          joinWindowAfterMinutes: '0',
          maxMeetingMinutes: '90',
          tokenMaxTtlMinutes: '3',
          sessionIdleMinutes: '30',
          sessionMaxHours: '8',
          defaultLocale: 'de',
          productName: 'Schulkonferenz',
          logoUrl: '',
          supportContact: 'it@school.test',
          mailFooter: '',
        })
        .expect(400);
      expect(form.text).toContain('value="Schulkonferenz"');
      expect(form.text).toContain('Enter a number no less than 5');
    });

    it('branding and language: the form saves, pages follow at once', async () => {
      await admin
        .post('/admin/policy')
        .type('form')
        .send({
          _csrf: adminCsrf,
          joinWindowBeforeMinutes: '15',
          joinWindowAfterMinutes: '0',
          maxMeetingMinutes: '90',
          tokenMaxTtlMinutes: '60',
          sessionIdleMinutes: '30',
          sessionMaxHours: '8',
          defaultLocale: 'de',
          productName: 'Schulkonferenz',
          logoUrl: 'https://school.test/logo.png',
          supportContact: 'it@school.test',
          mailFooter: 'Gymnasium Musterstadt',
        })
        .expect(303);
      const page = await teacher.get('/').set('accept-language', '').expect(200);
      expect(page.text).toContain('<title>');
      expect(page.text).toContain('Schulkonferenz');
      expect(page.text).toContain('src="https://school.test/logo.png"');
      expect(page.text).toContain('Hilfe: it@school.test');
      expect(page.headers['content-language']).toBe('de');
      const policy = (await admin.get('/api/v1/admin/policy').expect(200)).body;
      expect(policy.policy).toMatchObject({ guestAccessAllowed: false, tokenMaxTtlMinutes: 60, productName: 'Schulkonferenz' });
      expect(policy.updatedBy).toBe('admin@school.test');
    });

    it('every change is in the audit log with what changed', async () => {
      const events = await dataSource.getRepository(AuditEvent).find({ where: { action: 'policy.changed' }, order: { createdAt: 'ASC' } });
      expect(events.length).toBeGreaterThanOrEqual(6);
      expect(events[0].metadata).toEqual({ changed: { maxMeetingMinutes: { from: 1440, to: 90 } } });
      expect(events.at(-1)!.metadata.changed).toMatchObject({
        productName: { from: 'Moderato', to: 'Schulkonferenz' },
        guestAccessAllowed: { from: true, to: false },
      });
    });

    it('reset brings back the environment defaults', async () => {
      await admin.delete('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).expect(200);
      expect((await admin.get('/api/v1/admin/policy').expect(200)).body.policy).toMatchObject({
        productName: 'Moderato',
        maxMeetingMinutes: 1440,
        tokenMaxTtlMinutes: 90,
      });
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'policy.reset' })).toBe(1);
    });
  });

  describe('audit log viewer', () => {
    it('filters by actor, action (or family), subject and date range', async () => {
      const byTeacher = (await admin.get('/api/v1/admin/audit?actor=teacher@school&action=meeting.created').expect(200)).body;
      expect(byTeacher.total).toBeGreaterThanOrEqual(5);
      expect(byTeacher.items.every((e: { actor: string; action: string }) => e.actor === 'teacher@school.test' && e.action === 'meeting.created')).toBe(true);
      const policyFamily = (await admin.get('/api/v1/admin/audit?action=policy.').expect(200)).body;
      expect(new Set(policyFamily.items.map((e: { action: string }) => e.action))).toEqual(new Set(['policy.changed', 'policy.reset']));
      const bySubject = (await admin.get('/api/v1/admin/audit?subjectType=policy&subjectId=organisation').expect(200)).body;
      expect(bySubject.total).toBe(policyFamily.total);
      const today = clock.now().toISOString().slice(0, 10);
      expect((await admin.get(`/api/v1/admin/audit?from=${today}&to=${today}&action=policy.reset`).expect(200)).body.total).toBe(1);
      expect((await admin.get('/api/v1/admin/audit?from=2020-01-01&to=2020-12-31').expect(200)).body.total).toBe(0);
      const bad = await admin.get('/api/v1/admin/audit?from=yesterday').expect(400);
      expect(bad.body.details[0].field).toBe('from');
      const page = await admin.get('/admin/audit?action=policy.reset').expect(200);
      expect(page.text).toContain('policy.reset');
      expect(page.text).not.toContain('<code>meeting.created</code>');
    });

    it('exports the filtered log as CSV, spreadsheet formulas neutralised', async () => {
      await dataSource
        .getRepository(AuditEvent)
        .save({ action: 'test.csv', actorLabel: '=HYPERLINK("http://evil")', metadata: { note: 'a "quoted" value' }, createdAt: clock.now() });
      const csv = await admin.get('/admin/audit.csv?action=test.csv').buffer(true).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="?moderato-audit-\d{4}-\d{2}-\d{2}\.csv/);
      const lines = csv.text
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe('time,actor,actor_id,action,subject_type,subject_id,ip,metadata');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(lines[1]).toContain('"test.csv"');
      const all = await admin.get('/api/v1/admin/audit.csv').buffer(true).expect(200);
      expect(all.text.trim().split('\r\n').length - 1).toBe((await admin.get('/api/v1/admin/audit').expect(200)).body.total);
    });
  });
});
