import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const DAY = 86_400_000;

describe('Personal API tokens (Authorization: Bearer on /api/v1)', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let teacher: TestAgent;
  let teacherCsrf: string;
  let admin: TestAgent;
  let adminCsrf: string;
  const clock = new FixedClock(new Date());
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const lesson = (title: string) => ({
    title,
    startsAt: new Date(clock.now().getTime() + 2 * DAY).toISOString(),
    endsAt: new Date(clock.now().getTime() + 2 * DAY + 2_700_000).toISOString(),
    timezone: 'Europe/Berlin',
  });
  const create = async (agent: TestAgent, csrf: string, body: Record<string, unknown>) =>
    agent.post('/api/v1/account/api-tokens').set('x-csrf-token', csrf).send(body);

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    teacher = await env.signIn('teacher@school.test');
    teacherCsrf = await env.csrf(teacher);
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
  });
  afterAll(async () => {
    await env?.close();
  });

  let readToken: string;
  let writeToken: string;

  it('a teacher creates tokens; each is shown once and stored only as a hash', async () => {
    const read = await create(teacher, teacherCsrf, { name: 'Timetable (read)', scopes: ['meetings:read'], expiresInDays: 30 }).then((r) => r.body);
    expect(read.token).toMatch(/^mdt_[A-Za-z0-9_-]{43}$/);
    expect(read).toMatchObject({ name: 'Timetable (read)', scopes: ['meetings:read'], lastUsedAt: null, revokedAt: null });
    readToken = read.token;
    writeToken = (await create(teacher, teacherCsrf, { name: 'Timetable (write)', scopes: ['meetings:write'], expiresInDays: 1 })).body.token;
    const listed = (await teacher.get('/api/v1/account/api-tokens').expect(200)).body;
    expect(listed).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(readToken);
    const rows = await dataSource.query('SELECT * FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(readToken.slice(4));
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'api_token.created' })).toBe(2);
  });

  it('an LMS with a write token creates a meeting, without cookies or CSRF', async () => {
    const res = await request(env.api.server).post('/api/v1/meetings').set(bearer(writeToken)).send(lesson('From the timetable')).expect(201);
    const [row] = await dataSource.query('SELECT u.email FROM meetings m JOIN users u ON u.id = m.organizer_id WHERE m.id = $1', [res.body.id]);
    expect(row.email).toBe('teacher@school.test');
    await request(env.api.server).get('/api/v1/meetings').set(bearer(writeToken)).expect(200);
  });

  it('a read token reads but cannot write (403, nothing created)', async () => {
    const list = await request(env.api.server).get('/api/v1/meetings').set(bearer(readToken)).expect(200);
    expect(JSON.stringify(list.body)).toContain('From the timetable');
    const refused = await request(env.api.server).post('/api/v1/meetings').set(bearer(readToken)).send(lesson('Sneaky')).expect(403);
    expect(refused.body).toMatchObject({ code: 'API_TOKEN_SCOPE_MISSING', details: { needed: 'meetings:write' } });
    expect(await dataSource.query("SELECT count(*)::int AS n FROM meetings WHERE title = 'Sneaky'")).toEqual([{ n: 0 }]);
  });

  it('tokens cannot reach admin routes without the admin scope, nor mint tokens, nor open pages', async () => {
    expect((await request(env.api.server).get('/api/v1/admin/users').set(bearer(writeToken)).expect(403)).body.code).toBe('API_TOKEN_SCOPE_MISSING');
    const mint = await request(env.api.server)
      .post('/api/v1/account/api-tokens')
      .set(bearer(writeToken))
      .send({ name: 'x', scopes: ['meetings:write'], expiresInDays: 1 })
      .expect(403);
    expect(mint.body.details).toEqual({ needed: null });
    // Pages never take bearer tokens: the browser would be sent to the login.
    await request(env.api.server).get('/meetings').set(bearer(writeToken)).set('accept', 'text/html').expect(303);
  });

  it('shows when a token was last used', async () => {
    const listed = (await teacher.get('/api/v1/account/api-tokens').expect(200)).body as { name: string; lastUsedAt: string | null }[];
    expect(listed.find((t) => t.name === 'Timetable (read)')!.lastUsedAt).not.toBeNull();
    const page = await teacher.get('/account/tokens').expect(200);
    expect(page.text).toContain('Timetable (write)');
    expect(page.text).not.toContain(writeToken);
  });

  it('only admins may grant the admin scope; an admin token works on the admin API', async () => {
    const refused = await create(teacher, teacherCsrf, { name: 'Escalate', scopes: ['admin'], expiresInDays: 5 });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ field: 'scopes', messages: ['you may not grant: admin'] }]);
    const adminToken = (await create(admin, adminCsrf, { name: 'Provisioning', scopes: ['admin'], expiresInDays: 5 })).body.token;
    const users = await request(env.api.server).get('/api/v1/admin/users').set(bearer(adminToken)).expect(200);
    expect(users.body.total).toBeGreaterThanOrEqual(2);
    // The admin scope is not a meetings scope.
    await request(env.api.server).get('/api/v1/meetings').set(bearer(adminToken)).expect(403);
    // A token acts with its owner's current roles: an admin who loses the role loses the token's power.
    const adminId = (await dataSource.query("SELECT id FROM users WHERE email = 'admin@school.test'"))[0].id;
    await dataSource.query(`UPDATE users SET role_overrides = '{"admin":"block"}' WHERE id = $1`, [adminId]);
    expect((await request(env.api.server).get('/api/v1/admin/users').set(bearer(adminToken)).expect(403)).body.code).toBe('ROLE_REQUIRED');
    await dataSource.query(`UPDATE users SET role_overrides = '{}' WHERE id = $1`, [adminId]);
  });

  it('participants cannot create tokens', async () => {
    const student = await env.signIn('student@school.test');
    const res = await create(student, await env.csrf(student), { name: 'Mine', scopes: ['meetings:read'], expiresInDays: 5 });
    expect(res.status).toBe(403);
    await student.get('/account/tokens').set('accept', 'text/html').expect(403);
  });

  it('invalid input: 400 per field, nothing stored', async () => {
    const before = await dataSource.query('SELECT count(*)::int AS n FROM api_tokens');
    const res = await create(teacher, teacherCsrf, { name: '', scopes: ['everything'], expiresInDays: 5000 });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['expiresInDays', 'name', 'scopes']);
    const form = await teacher.post('/account/tokens').type('form').send({ _csrf: teacherCsrf, name: 'Keep me', expiresInDays: '0' }).expect(400);
    expect(form.text).toContain('value="Keep me"');
    expect(form.text).toContain('choose at least one scope');
    expect(await dataSource.query('SELECT count(*)::int AS n FROM api_tokens')).toEqual(before);
  });

  it('the page shows a new token once', async () => {
    const res = await teacher
      .post('/account/tokens')
      .type('form')
      .send({ _csrf: teacherCsrf, name: 'From the page', scopes: 'meetings:read', expiresInDays: '7' })
      .expect(201);
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(res.text)![1];
    await request(env.api.server).get('/api/v1/me').set(bearer(token)).expect(200);
    expect((await teacher.get('/account/tokens').expect(200)).text).not.toContain(token);
  });

  it('unknown, malformed, revoked and expired tokens get 401', async () => {
    for (const value of ['mdt_doesnotexist', 'garbage', `${readToken}x`, '']) {
      const res = await request(env.api.server).get('/api/v1/meetings').set('authorization', `Bearer ${value}`).expect(401);
      expect(res.body.code).toMatch(/^(API_TOKEN_INVALID|LOGIN_REQUIRED)$/);
    }
    const [read] = (await teacher.get('/api/v1/account/api-tokens').expect(200)).body.filter((t: { name: string }) => t.name === 'Timetable (read)');
    await teacher.delete(`/api/v1/account/api-tokens/${read.id}`).set('x-csrf-token', teacherCsrf).expect(204);
    const revoked = await request(env.api.server).get('/api/v1/meetings').set(bearer(readToken)).expect(401);
    expect(revoked.body).toMatchObject({ code: 'API_TOKEN_INVALID', details: { reason: 'revoked' } });
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'api_token.revoked', subjectId: read.id })).toBe(1);
    // Another person cannot revoke my token.
    const [write] = (await teacher.get('/api/v1/account/api-tokens').expect(200)).body.filter((t: { name: string }) => t.name === 'Timetable (write)');
    await admin.delete(`/api/v1/account/api-tokens/${write.id}`).set('x-csrf-token', adminCsrf).expect(404);
    clock.advance(DAY + 60_000);
    const expired = await request(env.api.server).get('/api/v1/meetings').set(bearer(writeToken)).expect(401);
    expect(expired.body.details).toEqual({ reason: 'expired' });
  });

  it("an admin revokes a user's token from the user page", async () => {
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
    teacher = await env.signIn('teacher@school.test');
    teacherCsrf = await env.csrf(teacher);
    const fresh = (await create(teacher, teacherCsrf, { name: 'To be revoked', scopes: ['meetings:read'], expiresInDays: 3 })).body;
    await request(env.api.server).get('/api/v1/meetings').set(bearer(fresh.token)).expect(200);
    const teacherId = (await dataSource.query("SELECT id FROM users WHERE email = 'teacher@school.test'"))[0].id;
    const page = await admin.get(`/admin/users/${teacherId}`).expect(200);
    expect(page.text).toContain('To be revoked');
    await admin.post(`/admin/users/${teacherId}/api-tokens/${fresh.id}/revoke`).type('form').send({ _csrf: adminCsrf }).expect(303);
    await request(env.api.server).get('/api/v1/meetings').set(bearer(fresh.token)).expect(401);
  });

  it('a disabled account’s tokens stop working', async () => {
    const fresh = (await create(teacher, teacherCsrf, { name: 'Disabled later', scopes: ['meetings:read'], expiresInDays: 3 })).body;
    const teacherId = (await dataSource.query("SELECT id FROM users WHERE email = 'teacher@school.test'"))[0].id;
    await admin.patch(`/api/v1/admin/users/${teacherId}`).set('x-csrf-token', adminCsrf).send({ disabled: true }).expect(200);
    expect((await request(env.api.server).get('/api/v1/meetings').set(bearer(fresh.token)).expect(401)).body.details).toEqual({ reason: 'disabled' });
  });
});
