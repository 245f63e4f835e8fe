import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { Session, User } from '@moderato/identity';
import { freePort, startTestLdap } from '@moderato/testing';
import { csrfTokenOf, startApi, type RunningApi } from './api-app';
import { ldapSignIn, startSignedInApi, type SignedInApi } from './signed-in';

const WRONG = 'Wrong username or password.';
const sessionCookieSet = (res: request.Response) => /moderato_session=s%3A/.test(String(res.headers['set-cookie'] ?? ''));

describe('sign-in with LDAP directly (real OpenLDAP), next to OpenID Connect', () => {
  let env: SignedInApi;
  let api: RunningApi;
  let dataSource: DataSource;
  let ldapUrl: string;

  beforeAll(async () => {
    const ldap = await startTestLdap();
    ldapUrl = ldap.url;
    env = await startSignedInApi({ env: ldap.env });
    api = env.api;
    dataSource = api.app.get(DataSource);
  });

  afterAll(async () => {
    await env?.close();
  });

  it('shows a username/password form and a button for the OpenID provider', async () => {
    const page = await request(api.server).get('/auth/login?returnTo=%2Fmeetings').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('name="username"');
    expect(page.text).toContain('type="password"');
    expect(page.text).toContain('name="returnTo" value="/meetings"');
    expect(page.text).toContain('href="/auth/oidc?returnTo=%2Fmeetings"');
    const oidc = await request(api.server).get('/auth/oidc?returnTo=%2Fmeetings').expect(302);
    expect(oidc.headers.location.startsWith(`${env.issuer}/`)).toBe(true);
    // German too.
    expect((await request(api.server).get('/auth/login').set('Accept-Language', 'de').expect(200)).text).toContain('Benutzername');
  });

  it('an LDAP teacher becomes an organizer, keyed by the directory and its entryUUID', async () => {
    const agent = request.agent(api.server);
    const res = await ldapSignIn(agent, 'teacher', 'teacher-pw', '/meetings');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/meetings');
    const me = (await agent.get('/api/v1/me').expect(200)).body;
    expect(me).toMatchObject({ email: 'tina.lehrer@school.test', displayName: 'Tina Lehrer', roles: ['participant', 'organizer'], idpRoles: ['teachers'] });
    const user = await dataSource.getRepository(User).findOneByOrFail({ email: 'tina.lehrer@school.test' });
    expect(user.issuer).toBe(`ldap:${new URL(ldapUrl).host}/ou=people,dc=school,dc=test`);
    expect(user.subject).toMatch(/^[0-9a-f-]{36}$/);
    const login = await dataSource.getRepository(AuditEvent).findOneOrFail({ where: { action: 'auth.login', actorId: user.id } });
    expect(login.metadata).toMatchObject({ method: 'ldap', roles: ['participant', 'organizer'] });
    // The same person again: the same user, a new session.
    await ldapSignIn(request.agent(api.server), 'TEACHER', 'teacher-pw');
    expect(await dataSource.getRepository(User).countBy({ issuer: user.issuer, subject: user.subject })).toBe(1);
  });

  it('an LDAP student is a participant only and may not schedule; an LDAP admin is an admin', async () => {
    const student = request.agent(api.server);
    expect((await ldapSignIn(student, 'student', 'student-pw')).status).toBe(303);
    expect((await student.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant']);
    await student.get('/meetings/new').set('Accept', 'application/json').expect(403);
    const admin = request.agent(api.server);
    expect((await ldapSignIn(admin, 'admin', 'admin-pw')).status).toBe(303);
    expect((await admin.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant', 'admin']);
  });

  it.each<[string, string, string]>([
    ['a wrong password', 'teacher', 'not-it'],
    ['an empty password', 'teacher', ''],
    ['an unknown user', 'nobody', 'teacher-pw'],
    ['"*" as username', '*', 'teacher-pw'],
    ['")(" as username', ')(', 'teacher-pw'],
    ['"\\00" as username', '\\00', 'teacher-pw'],
    ['an injection in the username', 'teacher)(|(uid=*', 'teacher-pw'],
    ['an injection matching every entry', '*)(uid=*))(|(uid=*', 'teacher-pw'],
  ])('refuses %s with the same message, no session, and audits it', async (_what, username, password) => {
    const agent = request.agent(api.server);
    const sessions = await dataSource.getRepository(Session).count();
    const res = await ldapSignIn(agent, username, password, '/meetings');
    expect(res.status).toBe(401);
    expect(res.text).toContain(WRONG);
    expect(res.text).not.toContain('teacher-pw');
    expect(sessionCookieSet(res)).toBe(false);
    expect(await dataSource.getRepository(Session).count()).toBe(sessions);
    await agent.get('/api/v1/me').expect(401);
    const failed = await dataSource.getRepository(AuditEvent).find({ where: { action: 'auth.login_failed' }, order: { createdAt: 'DESC' }, take: 1 });
    expect(failed[0].metadata).toMatchObject({ method: 'ldap', username: username.trim().toLowerCase(), details: { failure: 'invalid_credentials' } });
  });

  it('keeps a directory name without its control characters', async () => {
    const agent = request.agent(api.server);
    expect((await ldapSignIn(agent, 'ctrlname', 'ctrlname-pw')).status).toBe(303);
    expect((await agent.get('/api/v1/me').expect(200)).body.displayName).toBe('Carl Control[0m');
  });

  it('keeps the username but never the password when the form comes back, and logs no password', async () => {
    const res = await ldapSignIn(request.agent(api.server), 'teacher', 'Secret-Guess-4711');
    expect(res.text).toContain('value="teacher"');
    expect(res.text).not.toContain('Secret-Guess-4711');
    expect(api.logs.text()).not.toContain('Secret-Guess-4711');
    expect(api.logs.text()).not.toContain('teacher-pw');
    const audit = JSON.stringify(await dataSource.getRepository(AuditEvent).find());
    expect(audit).not.toContain('Secret-Guess-4711');
    expect(audit).not.toContain('teacher-pw');
  });

  it('refuses a form without the CSRF token', async () => {
    await request(api.server).post('/auth/login').type('form').send({ username: 'teacher', password: 'teacher-pw' }).expect(403);
  });

  it('never sends anyone to another site after an LDAP sign-in', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '/.//evil.example', '/a/..//evil.example', '/%2e//evil.example']) {
      const res = await ldapSignIn(request.agent(api.server), 'student', 'student-pw', returnTo);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    }
  });

  it('pauses a username after 10 failures in 15 minutes, even with the right password then', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await ldapSignIn(request.agent(api.server), 'k7b05', 'guess')).status).toBe(401);
    const res = await ldapSignIn(request.agent(api.server), 'k7b05', 'k7b05-pw');
    expect(res.status).toBe(429);
    expect(res.text).toContain('Too many failed sign-ins for this username');
    expect(sessionCookieSet(res)).toBe(false);
    // Another username is not affected.
    expect((await ldapSignIn(request.agent(api.server), 'k7b06', 'k7b06-pw')).status).toBe(303);
  });

  it('counts the failures of a username however it is spelt (fullwidth letters, capitals)', async () => {
    // The directory matches all of these to k7b09; the counter must not give each ten guesses.
    const spellings = ['k7b09', 'ｋ7b09', 'Ｋ７Ｂ０９', 'K7B09', ' k7b09 '];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await ldapSignIn(request.agent(api.server), spellings[attempt % spellings.length], 'guess')).status).toBe(401);
    }
    for (const spelling of ['k7b09', 'ｋ7b09']) {
      const res = await ldapSignIn(request.agent(api.server), spelling, 'k7b09-pw');
      expect(res.status).toBe(429);
      expect(sessionCookieSet(res)).toBe(false);
    }
  });

  it('signs an LDAP session out locally (no IdP logout)', async () => {
    const agent = request.agent(api.server);
    await ldapSignIn(agent, 'student', 'student-pw');
    const csrf = csrfTokenOf((await agent.get('/').expect(200)).text);
    const out = await agent.post('/auth/logout').type('form').send({ _csrf: csrf }).expect(303);
    expect(out.headers.location).toBe('/');
    await agent.get('/api/v1/me').expect(401);
  });
});

describe('LDAP only (no OpenID provider configured), and the directory down', () => {
  it('offers only the form; /auth/oidc does not exist', async () => {
    const { env } = await startTestLdap();
    const api = await startApi({ env });
    try {
      const page = await request(api.server).get('/auth/login').set('Accept-Language', 'en').expect(200);
      expect(page.text).toContain('name="password"');
      expect(page.text).not.toContain('data-oidc-login');
      await request(api.server).get('/auth/oidc').expect(404);
      const agent = request.agent(api.server);
      expect((await ldapSignIn(agent, 'teacher', 'teacher-pw')).status).toBe(303);
      expect((await agent.get('/api/v1/me').expect(200)).body.roles).toContain('organizer');
    } finally {
      await api.close();
    }
  });

  it('shows "sign-in is unavailable" (503), not a 500, when the directory does not answer', async () => {
    const { env } = await startTestLdap();
    const api = await startApi({ env: { ...env, LDAP_URL: `ldap://127.0.0.1:${await freePort()}` } });
    try {
      const res = await ldapSignIn(request.agent(api.server), 'teacher', 'teacher-pw');
      expect(res.status).toBe(503);
      expect(res.text).toContain('the directory (LDAP) does not answer');
      expect(res.text).not.toContain(WRONG);
      const refused = await api.app.get(DataSource).getRepository(AuditEvent).findOneByOrFail({ action: 'auth.login_refused' });
      expect(refused.metadata).toMatchObject({ code: 'SIGN_IN_UNAVAILABLE', method: 'ldap', username: 'teacher' });
    } finally {
      await api.close();
    }
  });

  it('says "a configuration error", not "does not answer", when the directory refuses the search account', async () => {
    const { env, url } = await startTestLdap();
    const api = await startApi({ env: { ...env, LDAP_BIND_PASSWORD: 'not-the-service-secret' } });
    try {
      const res = await ldapSignIn(request.agent(api.server), 'teacher', 'teacher-pw');
      expect(res.status).toBe(503);
      expect(res.text).toContain('the directory refuses Moderato&#39;s settings (a configuration error). Please tell your administrator.');
      expect(res.text).not.toContain('does not answer');
      expect(res.text).not.toContain(url);
    } finally {
      await api.close();
    }
  });
});
