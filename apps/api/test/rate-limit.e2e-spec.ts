import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { ENV_DEFAULTS } from '@moderato/config';
import { startDevIdp, type RunningDevIdp } from '@moderato/dev-idp';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { loginThroughIdp, startTestLdap } from '@moderato/testing';
import { csrfTokenOf, startApi, type RunningApi } from './api-app';
import { ldapSignIn, registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

describe('rate limits on /j/* and /auth/*', () => {
  let api: RunningApi;
  beforeAll(async () => {
    // TRUST_PROXY lets the last test come from many client addresses (X-Forwarded-For).
    api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'true' } });
    // Stay inside one fixed one-minute window.
    if (Date.now() % 60_000 > 50_000) await new Promise((resolve) => setTimeout(resolve, 61_000 - (Date.now() % 60_000)));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 429 with Retry-After once a client guesses too many codes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await request(api.server).get(`/j/guess${i}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`).set('Accept-Language', 'en');
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.text).toContain('Too many attempts');
      }
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
  });

  it('limits the login routes separately, and not the rest of the site', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await request(api.server).get('/auth/callback?state=x&code=y').set('Accept', 'application/json')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const res = await request(api.server).get('/auth/callback').set('Accept', 'application/json').expect(429);
    expect(res.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    await request(api.server).get('/').expect(200);
  });

  it('limits each personal link on its own as well (many clients, one code)', async () => {
    const code = 'SameCodeFromManyPlacesAAAAAAAAAAAAAAAAAAAAA';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await request(api.server).get(`/j/${code}`).set('X-Forwarded-For', `10.0.0.${i}`)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]); // each address asked only once
  });
});

describe('a class behind one address, with the default limits', () => {
  const LIMIT = Number(ENV_DEFAULTS.RATE_LIMIT_PER_MINUTE);
  const pupils = Array.from({ length: 30 }, (_, index) => `pupil${String(index + 1).padStart(2, '0')}@school.test`);
  const passwordOf = (email: string) => email.split('@')[0];
  let api: RunningApi;
  let idp: RunningDevIdp;
  const links = new Map<string, string>();
  const signedIn = new Map<string, TestAgent>();

  /** Fixed one-minute windows: start a phase with enough of the window left for it. */
  const withinOneWindow = async (secondsNeeded: number) => {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < secondsNeeded * 1000) await new Promise((resolve) => setTimeout(resolve, left + 1000));
  };

  beforeAll(async () => {
    idp = await startDevIdp({
      port: 0,
      clients: [
        {
          clientId: 'moderato',
          clientSecret: 'test-secret',
          redirectUris: ['http://localhost:3000/auth/callback'],
          postLogoutRedirectUris: ['http://localhost:3000/'],
        },
      ],
      users: [
        { email: 'teacher@school.test', password: 'teacher', name: 'Tom Teacher', groups: ['teachers'] },
        ...pupils.map((email, index) => ({ email, password: passwordOf(email), name: `Pupil ${index + 1}`, groups: ['students'] })),
      ],
    });
    // No TRUST_PROXY: every request comes from the one address of the test client.
    api = await startApi({
      env: {
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: 'moderato',
        OIDC_CLIENT_SECRET: 'test-secret',
        RATE_LIMIT_PER_MINUTE: ENV_DEFAULTS.RATE_LIMIT_PER_MINUTE,
      },
    });
    await registerJitsiServer(api);
  });
  afterAll(async () => {
    await api?.close();
    await idp?.close();
  });

  it('the teacher schedules, 30 pupils open their links, sign in, join and rejoin within one minute: no 429', async () => {
    await withinOneWindow(20);
    // The teacher, in the same classroom, signs in and schedules the lesson for the class.
    const teacher = request.agent(api.server);
    await loginThroughIdp(teacher, idp.issuer, { email: 'teacher@school.test', password: 'teacher' });
    const start = new Date(Date.now() + 2 * 60_000).toISOString();
    const end = new Date(Date.now() + 47 * 60_000).toISOString();
    const csrf = csrfTokenOf((await teacher.get('/').expect(200)).text);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({ title: 'Maths 7b', startsAt: start, endsAt: end, timezone: 'Europe/Berlin', invitees: pupils.map((email) => ({ email })) })
      .expect(201);
    const codes = api.app.get(LinkCodes);
    for (const invitation of await api.app.get(DataSource).getRepository(Invitation).findBy({ meetingId: meeting.id })) {
      links.set(invitation.email, `/j/${codes.codeFor(invitation)}`);
    }

    // The class signs in at once, ten at a time.
    const statuses: number[] = [];
    const pupilJoins = async (email: string) => {
      const pupil = request.agent(api.server);
      const link = links.get(email)!;
      const opened = await pupil.get(link);
      statuses.push(opened.status);
      expect(opened.headers.location).toBe(`/auth/login?returnTo=${encodeURIComponent(link)}`);
      const { callback } = await loginThroughIdp(pupil, idp.issuer, { email, password: passwordOf(email) }, { returnTo: link });
      statuses.push(callback.status);
      expect(callback.headers.location).toBe(link);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const joined = await pupil.get(link);
        statuses.push(joined.status);
        expect(joined.headers.location).toMatch(new RegExp(`^https://meet\\.school\\.test/${meeting.roomName}\\?jwt=`));
      }
      signedIn.set(email, pupil);
    };
    for (let first = 0; first < pupils.length; first += 10) await Promise.all(pupils.slice(first, first + 10).map(pupilJoins));
    expect(statuses.filter((status) => status === 429)).toEqual([]);
    expect(await api.app.get(DataSource).getRepository(Invitation).countBy({ meetingId: meeting.id, joinCount: 2 })).toBe(30);
  }, 90_000);

  it('150 random codes from that address are throttled; pupils signed in there still get into their own lesson', async () => {
    await withinOneWindow(20);
    const statuses: number[] = [];
    for (let guess = 0; guess < 150; guess += 1) statuses.push((await request(api.server).get(`/j/${randomBytes(24).toString('base64url')}`)).status);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(404), ...Array<number>(150 - LIMIT).fill(429)]);

    const pupil = signedIn.get(pupils[0])!;
    expect((await pupil.get(links.get(pupils[0])!)).status).toBe(302);
    // The same pupil guessing a code is refused like everyone at that address ...
    expect((await pupil.get(`/j/${randomBytes(24).toString('base64url')}`)).status).toBe(429);
    // ... and signed out, a real link cannot be told apart from a guess until the minute is over.
    expect((await request(api.server).get(links.get(pupils[1])!)).status).toBe(429);
  }, 90_000);
});

describe('password sign-ins: failures are counted per address, successes are not', () => {
  let env: SignedInApi;
  beforeAll(async () => {
    const ldap = await startTestLdap();
    env = await startSignedInApi({ env: { ...ldap.env, RATE_LIMIT_PER_MINUTE: '5' } });
    if (Date.now() % 60_000 > 45_000) await new Promise((resolve) => setTimeout(resolve, 61_000 - (Date.now() % 60_000)));
  });
  afterAll(async () => {
    await env?.close();
  });

  /** A browser that has been on the site (it has its cookies), as pupils' browsers have. */
  const browser = async () => {
    const agent = request.agent(env.api.server);
    await agent.get('/').expect(200);
    return agent;
  };

  it('six pupils sign in from one address; then wrong passwords from there are paused after five', async () => {
    for (const username of ['k7b11', 'k7b12', 'k7b13', 'k7b14', 'k7b15', 'k7b16'])
      expect((await ldapSignIn(await browser(), username, `${username}-pw`)).status).toBe(303);
    const statuses: number[] = [];
    for (const username of ['k7b17', 'k7b18', 'k7b19', 'k7b20', 'k7b21', 'k7b22']) statuses.push((await ldapSignIn(await browser(), username, 'guess')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // The password form stays paused at this address, even for the right password ...
    expect((await ldapSignIn(await browser(), 'k7b23', 'k7b23-pw')).status).toBe(429);
    // ... while the sign-in at the identity provider, counted per browser, goes on.
    expect((await (await browser()).get('/auth/oidc?returnTo=%2F')).status).toBe(302);
  });
});
