import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { ApiToken, RequireRoles, Session, User } from '@moderato/identity';
import { loginThroughIdp } from '@moderato/testing';
import { DataSource, IsNull } from 'typeorm';
import { csrfTokenOf, type RunningApi } from './api-app';
import { startSignedInApi, type SignedInApi } from './signed-in';

@Controller('admin-only')
@RequireRoles('admin')
class AdminOnlyController {
  @Get()
  page() {
    return 'admin area';
  }
}

const PASSWORDS: Record<string, string> = {
  'admin@school.test': 'admin',
  'teacher@school.test': 'teacher',
  'teacher2@school.test': 'teacher2',
  'student@school.test': 'student',
  'student2@school.test': 'student2',
};

describe('identity: OpenID Connect login against apps/dev-idp, sessions, guards', () => {
  let env: SignedInApi;
  let idp: { issuer: string };
  let api: RunningApi;
  let clock: FixedClock;
  let dataSource: DataSource;

  beforeAll(async () => {
    clock = new FixedClock(new Date());
    env = await startSignedInApi({ clock, extraControllers: [AdminOnlyController], env: { SESSION_IDLE_MINUTES: '60', SESSION_MAX_HOURS: '8' } });
    api = env.api;
    idp = { issuer: env.issuer };
    dataSource = api.app.get(DataSource);
  });

  afterAll(async () => {
    await env?.close();
  });

  beforeEach(() => clock.set(new Date()));

  async function signIn(email: string, options: { returnTo?: string } = {}): Promise<TestAgent> {
    const agent = request.agent(api.server);
    const { callback } = await loginThroughIdp(agent, idp.issuer, { email, password: PASSWORDS[email] }, options);
    expect(callback.status).toBe(303);
    return agent;
  }

  const auditActions = async () => (await dataSource.getRepository(AuditEvent).find({ order: { createdAt: 'ASC' } })).map((e) => e.action);

  describe('roles from the identity provider', () => {
    it('a teacher signs in and is an organizer (not an admin)', async () => {
      const agent = await signIn('teacher@school.test');
      const me = await agent.get('/api/v1/me').expect(200);
      expect(me.body).toMatchObject({ email: 'teacher@school.test', displayName: 'Tom Teacher', emailVerified: true, roles: ['participant', 'organizer'] });
      expect(me.body.idpRoles).toContain('teachers');
      const home = await agent.get('/').set('Accept-Language', 'en').expect(200);
      expect(home.text).toContain('Welcome, Tom Teacher');
      expect(home.text).toContain('data-role="organizer"');
      expect(home.text).not.toContain('data-role="admin"');
    });

    it('a student signs in and is a participant only', async () => {
      const agent = await signIn('student@school.test');
      expect((await agent.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant']);
    });

    it('an admin is an admin, and may open admin-only routes that a student may not', async () => {
      const admin = await signIn('admin@school.test');
      expect((await admin.get('/api/v1/me').expect(200)).body.roles).toContain('admin');
      await admin.get('/admin-only').expect(200);
      const student = await signIn('student@school.test');
      const page = await student.get('/admin-only').set('Accept-Language', 'en').expect(403);
      expect(page.text).toContain('Your account does not have the role this page needs.');
      const json = await student.get('/admin-only').set('Accept', 'application/json').expect(403);
      expect(json.body).toMatchObject({ statusCode: 403, code: 'ROLE_REQUIRED' });
    });

    it('an admin override wins over the IdP at the next login (blocked organizer)', async () => {
      await signIn('teacher2@school.test');
      await dataSource.getRepository(User).update({ email: 'teacher2@school.test' }, { roleOverrides: { organizer: 'block' } });
      const agent = await signIn('teacher2@school.test');
      expect((await agent.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant']);
      await dataSource.getRepository(User).update({ email: 'teacher2@school.test' }, { roleOverrides: {} });
    });

    it('keeps one user per (issuer, subject) and refreshes the profile at each login', async () => {
      await signIn('student2@school.test');
      await dataSource.getRepository(User).update({ email: 'student2@school.test' }, { displayName: 'Old Name' });
      await signIn('student2@school.test');
      const users = await dataSource.getRepository(User).findBy({ email: 'student2@school.test' });
      expect(users).toHaveLength(1);
      expect(users[0]).toMatchObject({ displayName: 'Sara Student', issuer: idp.issuer });
    });
  });

  describe('refused sign-ins', () => {
    it('refuses a callback whose state was tampered with, and creates no session', async () => {
      const agent = request.agent(api.server);
      const before = await dataSource.getRepository(Session).count();
      const { callback } = await loginThroughIdp(
        agent,
        idp.issuer,
        { email: 'teacher@school.test', password: 'teacher' },
        { beforeCallback: (path) => path.replace(/state=[^&]+/, 'state=forged-state') },
      );
      expect(callback.status).toBe(400);
      expect(callback.text).toContain('Sign-in did not complete');
      expect(String(callback.headers['set-cookie'] ?? '')).not.toMatch(/moderato_session=s%3A/);
      expect(await dataSource.getRepository(Session).count()).toBe(before);
      await agent.get('/api/v1/me').expect(401);
      const failed = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'auth.login_failed' });
      expect(failed.metadata).toMatchObject({ code: 'LOGIN_FAILED', details: { failure: 'state_mismatch' } });
    });

    it('refuses a replayed callback', async () => {
      const agent = request.agent(api.server);
      const { callback, callbackPath } = await loginThroughIdp(agent, idp.issuer, { email: 'student@school.test', password: 'student' });
      expect(callback.status).toBe(303);
      const sessions = await dataSource.getRepository(Session).count();
      const replay = await request(api.server).get(callbackPath).expect(400); // e.g. from a leaked URL
      expect(replay.text).toContain('Sign-in did not complete');
      const sameBrowser = await agent.get(callbackPath).expect(400);
      expect(sameBrowser.text).toContain('Sign-in did not complete');
      expect(await dataSource.getRepository(Session).count()).toBe(sessions);
    });

    it('never sends anyone to another site after login (returnTo=https://evil.example)', async () => {
      for (const returnTo of [
        'https://evil.example/',
        '//evil.example/x',
        '/\\evil.example',
        '/.//evil.example',
        '/a/..//evil.example',
        '/%2e//evil.example',
      ]) {
        const agent = request.agent(api.server);
        const { callback } = await loginThroughIdp(agent, idp.issuer, { email: 'student@school.test', password: 'student' }, { returnTo });
        expect(callback.status).toBe(303);
        expect(callback.headers.location).toBe('/');
      }
    });

    it('comes back to the page that asked for the login', async () => {
      const agent = request.agent(api.server);
      const { callback } = await loginThroughIdp(
        agent,
        idp.issuer,
        { email: 'student@school.test', password: 'student' },
        { returnTo: '/account/sessions?x=1' },
      );
      expect(callback.headers.location).toBe('/account/sessions?x=1');
    });

    it('refuses a disabled account at login and ends its open sessions', async () => {
      const open = await signIn('student2@school.test');
      await dataSource.getRepository(User).update({ email: 'student2@school.test' }, { disabled: true });
      await open.get('/api/v1/me').expect(401);
      const agent = request.agent(api.server);
      const { callback } = await loginThroughIdp(agent, idp.issuer, { email: 'student2@school.test', password: 'student2' });
      expect(callback.status).toBe(403);
      expect(callback.text).toContain('Your account is disabled');
      await dataSource.getRepository(User).update({ email: 'student2@school.test' }, { disabled: false });
      expect(await auditActions()).toContain('auth.login_refused');
    });
  });

  describe('guards', () => {
    it('sends a signed-out person from a page to the login, remembering where they were', async () => {
      const res = await request(api.server).get('/account/sessions').expect(303);
      expect(res.headers.location).toBe('/auth/login?returnTo=%2Faccount%2Fsessions');
    });

    it('answers a signed-out API request with 401 JSON', async () => {
      const res = await request(api.server).get('/api/v1/me').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'LOGIN_REQUIRED' });
    });

    it('does not accept a session cookie on a bearer-token request', async () => {
      const agent = await signIn('teacher@school.test');
      await agent.get('/api/v1/me').set('Authorization', 'Bearer not-a-valid-token').expect(401);
    });

    it('ignores a forged session cookie', async () => {
      await request(api.server).get('/api/v1/me').set('Cookie', 'moderato_session=s%3Aforged.signature').expect(401);
    });
  });

  describe('sessions', () => {
    it('stores only a hash of the cookie token; the cookie is HttpOnly, SameSite=Lax and signed', async () => {
      const agent = request.agent(api.server);
      const { callback } = await loginThroughIdp(agent, idp.issuer, { email: 'teacher@school.test', password: 'teacher' });
      const cookie = (callback.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('moderato_session='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      const token = decodeURIComponent(cookie.split(';')[0].split('=')[1]).replace(/^s:/, '').split('.')[0];
      expect(token.length).toBeGreaterThanOrEqual(43);
      const rows = await dataSource.query('SELECT token_hash FROM sessions');
      expect(JSON.stringify(rows)).not.toContain(token);
    });

    it('issues a new session id at login (no fixation): the old cookie stops working', async () => {
      const agent = await signIn('teacher@school.test');
      const before = (await agent.get('/api/v1/me').expect(200)).body.session.id;
      await loginThroughIdp(agent, idp.issuer, { email: 'teacher@school.test', password: 'teacher' });
      const after = (await agent.get('/api/v1/me').expect(200)).body.session.id;
      expect(after).not.toBe(before);
      const old = await dataSource.getRepository(Session).findOneByOrFail({ id: before });
      expect(old.revokedAt).not.toBeNull();
    });

    it('ends a session after the idle timeout: the person is sent to log in again', async () => {
      const agent = await signIn('teacher@school.test');
      clock.advance(59 * 60_000);
      await agent.get('/api/v1/me').expect(200); // activity keeps it alive
      clock.advance(59 * 60_000);
      await agent.get('/api/v1/me').expect(200);
      clock.advance(61 * 60_000);
      const page = await agent.get('/account/sessions').expect(303);
      expect(page.headers.location).toBe('/auth/login?returnTo=%2Faccount%2Fsessions');
      await agent.get('/api/v1/me').expect(401);
    });

    it('ends a session at its absolute lifetime, however active it is', async () => {
      const agent = await signIn('teacher@school.test');
      for (let elapsed = 50; elapsed <= 450; elapsed += 50) {
        clock.advance(50 * 60_000); // active every 50 minutes, up to 7 h 30 min after login
        await agent.get('/api/v1/me').expect(200);
      }
      clock.advance(35 * 60_000); // 8 h 5 min after login
      await agent.get('/api/v1/me').expect(401);
      await agent.get('/').expect(200); // public pages still work, signed out
    });

    it('refuses a revoked session on its next request ("sign out" on another device)', async () => {
      const laptop = await signIn('teacher@school.test');
      const phone = await signIn('teacher@school.test');
      const laptopSession = (await laptop.get('/api/v1/me')).body.session.id as string;
      const page = await phone.get('/account/sessions').set('Accept-Language', 'en').expect(200);
      expect(page.text).toContain(`data-session="${laptopSession}"`);
      expect(page.text).toContain('This device');
      await phone
        .post(`/account/sessions/${laptopSession}/revoke`)
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text) })
        .expect(303);
      await laptop.get('/api/v1/me').expect(401);
      await phone.get('/api/v1/me').expect(200);
      expect(await auditActions()).toContain('session.revoked');
    });

    it("cannot end someone else's session", async () => {
      const teacher = await signIn('teacher@school.test');
      const student = await signIn('student@school.test');
      const teacherSession = (await teacher.get('/api/v1/me')).body.session.id as string;
      const page = await student.get('/account/sessions').expect(200);
      await student
        .post(`/account/sessions/${teacherSession}/revoke`)
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text) })
        .expect(404);
      await teacher.get('/api/v1/me').expect(200);
    });

    it('"sign out everywhere" ends every session of the person', async () => {
      const a = await signIn('admin@school.test');
      const b = await signIn('admin@school.test');
      const page = await b.get('/account/sessions').expect(200);
      await b
        .post('/account/sessions/revoke-all')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text) })
        .expect(303);
      await a.get('/api/v1/me').expect(401);
      await b.get('/api/v1/me').expect(401);
    });

    it("logout ends the local session and continues to the IdP's end-session with id_token_hint", async () => {
      const agent = await signIn('student@school.test');
      const sessionId = (await agent.get('/api/v1/me')).body.session.id as string;
      const page = await agent.get('/').expect(200);
      const res = await agent
        .post('/auth/logout')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text) })
        .expect(303);
      const location = new URL(res.headers.location);
      expect(location.origin).toBe(new URL(idp.issuer).origin);
      expect(location.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
      expect(location.searchParams.get('post_logout_redirect_uri')).toBe('http://localhost:3000/');
      await agent.get('/api/v1/me').expect(401);
      expect((await dataSource.getRepository(Session).findOneByOrFail({ id: sessionId })).revokedAt).not.toBeNull();
      expect(await auditActions()).toContain('auth.logout');
    });

    it('refuses logout without the CSRF token', async () => {
      const agent = await signIn('student@school.test');
      await agent.post('/auth/logout').type('form').send({}).expect(403);
      await agent.get('/api/v1/me').expect(200);
    });
  });

  describe('CSRF tokens bound to the session', () => {
    const sessionCookieOf = async (email: string) => {
      const { callback } = await loginThroughIdp(request.agent(api.server), idp.issuer, { email, password: PASSWORDS[email] });
      const cookie = ([] as string[]).concat(callback.headers['set-cookie'] ?? []).find((line) => line.startsWith('moderato_session='));
      if (!cookie) throw new Error(`no session cookie for ${email}`);
      return cookie.split(';')[0];
    };
    // A CSRF cookie teacher2 holds (e.g. planted in teacher's browser from a sibling subdomain).
    const csrfCookie = `moderato_csrf=${'t2'.repeat(21)}x`;

    it("refuses teacher's session with teacher2's CSRF cookie and token: 403, nothing written", async () => {
      const teacher = await sessionCookieOf('teacher@school.test');
      const teacher2 = await sessionCookieOf('teacher2@school.test');
      const page = await request(api.server).get('/account/sessions').set('Cookie', `${teacher2}; ${csrfCookie}`).expect(200);
      const teacher2Token = csrfTokenOf(page.text);
      const before = await dataSource.getRepository(Session).countBy({ revokedAt: IsNull() });

      const forged = await request(api.server)
        .post('/account/sessions/revoke-all')
        .set('Cookie', `${teacher}; ${csrfCookie}`)
        .type('form')
        .send({ _csrf: teacher2Token });
      expect(forged.status).toBe(403);
      await request(api.server)
        .post('/api/v1/account/api-tokens')
        .set('Cookie', `${teacher}; ${csrfCookie}`)
        .set('x-csrf-token', teacher2Token)
        .send({ name: 'x', scopes: ['meetings'] })
        .expect(403);
      expect(await dataSource.getRepository(ApiToken).count()).toBe(0);
      expect(await dataSource.getRepository(Session).countBy({ revokedAt: IsNull() })).toBe(before);
      await request(api.server).get('/api/v1/me').set('Cookie', teacher).expect(200);

      // The same cookie and token still work for teacher2, whose session they belong to.
      await request(api.server)
        .post('/account/sessions/revoke-all')
        .set('Cookie', `${teacher2}; ${csrfCookie}`)
        .type('form')
        .send({ _csrf: teacher2Token })
        .expect(303);
      await request(api.server).get('/api/v1/me').set('Cookie', teacher2).expect(401);
    });

    it('a token from before sign-in does not pass after it (signed-out forms keep working)', async () => {
      const signedOut = csrfTokenOf((await request(api.server).get('/').set('Cookie', csrfCookie).expect(200)).text);
      await request(api.server).post('/preferences/language').set('Cookie', csrfCookie).type('form').send({ _csrf: signedOut, locale: 'de' }).expect(303);
      const teacher = await sessionCookieOf('teacher@school.test');
      await request(api.server)
        .post('/account/sessions/revoke-all')
        .set('Cookie', `${teacher}; ${csrfCookie}`)
        .type('form')
        .send({ _csrf: signedOut })
        .expect(403);
      await request(api.server).get('/api/v1/me').set('Cookie', teacher).expect(200);
    });
  });

  it('records logins in the audit log with the roles given', async () => {
    await signIn('teacher@school.test');
    const login = await dataSource
      .getRepository(AuditEvent)
      .findOne({ where: { action: 'auth.login', actorLabel: 'teacher@school.test' }, order: { createdAt: 'DESC' } });
    expect(login?.metadata).toMatchObject({ roles: ['participant', 'organizer'] });
  });
});
