import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const meeting = (title = 'Maths 7b') => ({
  title,
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  endsAt: new Date(Date.now() + 86_400_000 + 3_600_000).toISOString(),
  timezone: 'Europe/Berlin',
});

describe('Administration: users and roles, sessions, role grants', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let admin: TestAgent;
  let adminCsrf: string;
  const idOf = async (email: string) => (await dataSource.query('SELECT id FROM users WHERE email = $1', [email]))[0].id as string;

  beforeAll(async () => {
    env = await startSignedInApi();
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('role overrides win over the IdP at the next request', () => {
    let teacher: TestAgent;
    let teacherCsrf: string;
    let teacherId: string;

    beforeAll(async () => {
      teacher = await env.signIn('teacher@school.test');
      teacherCsrf = await env.csrf(teacher);
      teacherId = await idOf('teacher@school.test');
    });

    it('a teacher is an organizer from the IdP and can schedule', async () => {
      expect((await teacher.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant', 'organizer']);
      await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting()).expect(201);
    });

    it('blocked as organizer by an admin: the very next request is refused, in the same session', async () => {
      const res = await admin.patch(`/api/v1/admin/users/${teacherId}`).set('x-csrf-token', adminCsrf).send({ organizer: 'block' }).expect(200);
      expect(res.body).toMatchObject({ email: 'teacher@school.test', roleOverrides: { organizer: 'block' }, roles: ['participant'] });
      expect((await teacher.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant']);
      const refused = await teacher.post('/api/v1/meetings').set('x-csrf-token', teacherCsrf).send(meeting('After block')).expect(403);
      expect(refused.body.code).toBe('ROLE_REQUIRED');
      expect(await dataSource.query("SELECT count(*)::int AS n FROM meetings WHERE title = 'After block'")).toEqual([{ n: 0 }]);
      // Their own meetings stay visible; the "New meeting" button is gone and the form refused.
      const page = await teacher.get('/meetings').set('accept', 'text/html').expect(200);
      expect(page.text).toContain('Maths 7b');
      expect(page.text).not.toContain('href="/meetings/new"');
      await teacher.get('/meetings/new').set('accept', 'text/html').expect(403);
    });

    it('the change is audited with before and after', async () => {
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'user.roles_changed', subjectId: teacherId });
      expect(event.actorLabel).toBe('admin@school.test');
      expect(event.metadata).toMatchObject({ from: {}, to: { organizer: 'block' }, roles: ['participant'] });
    });

    it('the block survives a new login (the IdP still says teacher)', async () => {
      const again = await env.signIn('teacher@school.test');
      expect((await again.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant']);
    });

    it('back to "as the IdP says" through the user page form: organizer again', async () => {
      const page = await admin.get(`/admin/users/${teacherId}`).expect(200);
      expect(page.text).toContain('teacher@school.test');
      await admin.post(`/admin/users/${teacherId}/roles`).type('form').send({ _csrf: adminCsrf, organizer: 'idp', admin: 'idp' }).expect(303);
      expect((await teacher.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant', 'organizer']);
    });

    it('a grant makes a student an organizer at once', async () => {
      const student = await env.signIn('student@school.test');
      const studentCsrf = await env.csrf(student);
      await student.post('/api/v1/meetings').set('x-csrf-token', studentCsrf).send(meeting('By a student')).expect(403);
      await admin
        .patch(`/api/v1/admin/users/${await idOf('student@school.test')}`)
        .set('x-csrf-token', adminCsrf)
        .send({ organizer: 'grant' })
        .expect(200);
      await student.post('/api/v1/meetings').set('x-csrf-token', studentCsrf).send(meeting('By a student')).expect(201);
    });

    it('refuses nonsense with field messages', async () => {
      const res = await admin
        .patch(`/api/v1/admin/users/${teacherId}`)
        .set('x-csrf-token', adminCsrf)
        .send({ organizer: 'maybe', disabled: 'perhaps' })
        .expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['disabled', 'organizer']);
      const form = await admin.post(`/admin/users/${teacherId}/roles`).type('form').send({ _csrf: adminCsrf, organizer: 'maybe' }).expect(400);
      expect(form.text).toContain('Choose one of the options');
    });
  });

  describe('an admin cannot lock themselves out', () => {
    it('blocking their own admin role is refused and changes nothing', async () => {
      const adminId = await idOf('admin@school.test');
      const res = await admin.patch(`/api/v1/admin/users/${adminId}`).set('x-csrf-token', adminCsrf).send({ admin: 'block' }).expect(400);
      expect(res.body.code).toBe('SELF_LOCKOUT');
      const page = await admin.post(`/admin/users/${adminId}/roles`).type('form').send({ _csrf: adminCsrf, organizer: 'idp', admin: 'block' }).expect(400);
      expect(page.text).toContain('You cannot remove your own administrator rights');
      expect((await admin.get('/api/v1/me').expect(200)).body.roles).toContain('admin');
    });

    it('disabling themselves is refused', async () => {
      const adminId = await idOf('admin@school.test');
      const res = await admin.patch(`/api/v1/admin/users/${adminId}`).set('x-csrf-token', adminCsrf).send({ disabled: true }).expect(400);
      expect(res.body.code).toBe('SELF_LOCKOUT');
      await admin.post(`/admin/users/${adminId}/disable`).type('form').send({ _csrf: adminCsrf }).expect(400);
      await admin.get('/api/v1/me').expect(200);
    });
  });

  describe('disabling a user', () => {
    it('ends every session of theirs at once and keeps them out', async () => {
      const first = await env.signIn('teacher2@school.test');
      const second = await env.signIn('teacher2@school.test');
      await first.get('/api/v1/me').expect(200);
      const id = await idOf('teacher2@school.test');
      await admin.post(`/admin/users/${id}/disable`).type('form').send({ _csrf: adminCsrf }).expect(303);
      await first.get('/api/v1/me').expect(401);
      await second.get('/api/v1/me').expect(401);
      expect(await dataSource.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [id])).toEqual([{ n: 0 }]);
      await expect(env.signIn('teacher2@school.test')).rejects.toThrow(/failed with 403/);
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'user.disabled', subjectId: id });
      expect(event.metadata).toMatchObject({ sessionsRevoked: 2 });
    });

    it('enabled again: they can sign in', async () => {
      const id = await idOf('teacher2@school.test');
      await admin.patch(`/api/v1/admin/users/${id}`).set('x-csrf-token', adminCsrf).send({ disabled: false }).expect(200);
      const back = await env.signIn('teacher2@school.test');
      await back.get('/api/v1/me').expect(200);
    });
  });

  describe('the user list', () => {
    it('searches by name or email and filters by role, paginated', async () => {
      const all = (await admin.get('/api/v1/admin/users').expect(200)).body;
      expect(all).toMatchObject({ page: 1, pageSize: 50 });
      expect(all.total).toBeGreaterThanOrEqual(4);
      const teachers = (await admin.get('/api/v1/admin/users?q=TEACHER').expect(200)).body.items.map((u: { email: string }) => u.email).sort();
      expect(teachers).toEqual(['teacher2@school.test', 'teacher@school.test']);
      const admins = (await admin.get('/api/v1/admin/users?role=admin').expect(200)).body.items.map((u: { email: string }) => u.email);
      expect(admins).toEqual(['admin@school.test']);
      // The student was granted organizer above; the IdP's students group alone would not make one.
      const organizers = (await admin.get('/api/v1/admin/users?role=organizer').expect(200)).body.items.map((u: { email: string }) => u.email).sort();
      expect(organizers).toEqual(['student@school.test', 'teacher2@school.test', 'teacher@school.test']);
      await admin.get('/api/v1/admin/users?role=king&page=0').expect(400);
      const page = await admin.get('/admin/users?q=teach&role=organizer').expect(200);
      expect(page.text).toContain('teacher2@school.test');
      expect(page.text).not.toContain('student@school.test</td>');
      const bad = await admin.get('/admin/users?role=king').expect(400);
      expect(bad.text).toContain('Choose one of the options');
    });

    it("a user's page shows IdP roles, sessions and meetings organized", async () => {
      const id = await idOf('teacher@school.test');
      const details = (await admin.get(`/api/v1/admin/users/${id}`).expect(200)).body;
      expect(details.idpRoles).toContain('teachers');
      expect(details.sessions.length).toBeGreaterThanOrEqual(1);
      expect(details.meetingsOrganized.total).toBe(1);
      expect(details.meetingsOrganized.recent[0].title).toBe('Maths 7b');
      await admin.get('/api/v1/admin/users/not-a-uuid').expect(404);
    });
  });

  describe('sessions', () => {
    it('lists live sessions and an admin signs one out', async () => {
      const victim = await env.signIn('student2@school.test');
      const list = (await admin.get('/api/v1/admin/sessions').expect(200)).body;
      const session = list.items.find((s: { user: { email: string } }) => s.user.email === 'student2@school.test');
      expect(session).toBeDefined();
      await admin.delete(`/api/v1/admin/sessions/${session.id}`).set('x-csrf-token', adminCsrf).expect(204);
      await victim.get('/api/v1/me').expect(401);
      await admin.delete(`/api/v1/admin/sessions/${session.id}`).set('x-csrf-token', adminCsrf).expect(404);
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'session.revoked', subjectId: session.id });
      expect(event.metadata).toMatchObject({ by: 'admin', email: 'student2@school.test' });
      const page = await admin.get('/admin/sessions').expect(200);
      expect(page.text).not.toContain(session.id);
    });

    it('signs out every session of one user from their page', async () => {
      const a = await env.signIn('student2@school.test');
      const b = await env.signIn('student2@school.test');
      const id = await idOf('student2@school.test');
      await admin.post(`/admin/users/${id}/sessions/revoke`).type('form').send({ _csrf: adminCsrf }).expect(303);
      await a.get('/api/v1/me').expect(401);
      await b.get('/api/v1/me').expect(401);
    });
  });
});

describe('Role grants by email (before the first login)', () => {
  let env: SignedInApi;

  beforeAll(async () => {
    env = await startSignedInApi();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a student granted admin before ever signing in is an admin at the first login, and the grant is used up', async () => {
    const admin = await env.signIn('admin@school.test');
    const csrf = await env.csrf(admin);
    const res = await admin.post('/api/v1/admin/role-grants').set('x-csrf-token', csrf).send({ email: ' Student@School.test ', admin: 'grant' }).expect(201);
    expect(res.body).toEqual({ appliedTo: 0, pending: true });
    const student = await env.signIn('student@school.test');
    expect((await student.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant', 'admin']);
    const dataSource = env.api.app.get(DataSource);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM role_grants')).toEqual([{ n: 0 }]);
    await request(env.api.server).get('/api/v1/admin/users').expect(401);
  });

  it('refuses an invalid email and a grant without a role, keeping the input', async () => {
    const admin = await env.signIn('admin@school.test');
    const csrf = await env.csrf(admin);
    const api = await admin.post('/api/v1/admin/role-grants').set('x-csrf-token', csrf).send({ email: 'nobody', admin: 'sometimes' }).expect(400);
    expect(api.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['admin', 'email']);
    const form = await admin.post('/admin/role-grants').type('form').send({ _csrf: csrf, email: 'new.teacher@school.test' }).expect(400);
    expect(form.text).toContain('value="new.teacher@school.test"');
    expect(form.text).toContain('choose a role to grant or block');
  });
});
