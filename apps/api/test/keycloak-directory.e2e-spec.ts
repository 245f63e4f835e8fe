import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { DEMO_USERS, startDevIdp, type DevIdpUser, type RunningDevIdp } from '@moderato/dev-idp';
import { loginThroughIdp } from '@moderato/testing';
import { csrfTokenOf, startApi, type RunningApi } from './api-app';
import { registerJitsiServer } from './signed-in';

const PUPILS: DevIdpUser[] = Array.from({ length: 30 }, (_, i) => ({
  email: `pupil${String(i + 1).padStart(2, '0')}@school.test`,
  password: 'pupil',
  name: `Pupil ${i + 1}`,
  groups: ['students', 'classes/7b'],
}));
// Another class with the same short name elsewhere in the tree: only the path tells them apart.
const OTHER: DevIdpUser[] = [{ email: 'exchange@school.test', password: 'exchange', name: 'Exchange Pupil', groups: ['guests/7b'] }];

describe('Group invitations from Keycloak (admin REST API, client-credentials service account)', () => {
  let idp: RunningDevIdp;
  let api: RunningApi;
  let teacher: TestAgent;
  let csrf: string;
  let meetingId: string;

  const start = async (secret: string) => {
    const app = await startApi({
      env: {
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: 'moderato',
        OIDC_CLIENT_SECRET: 'test-secret',
        KEYCLOAK_ADMIN_URL: `${idp.issuer}/admin/realms/dev`,
        KEYCLOAK_ADMIN_CLIENT_ID: 'moderato-directory',
        KEYCLOAK_ADMIN_CLIENT_SECRET: secret,
      },
    });
    await registerJitsiServer(app);
    return app;
  };
  const signIn = async (app: RunningApi, email: string) => {
    const agent = request.agent(app.server);
    const { callback } = await loginThroughIdp(agent, idp.issuer, { email, password: email.split('@')[0] });
    expect(callback.status).toBe(303);
    return agent;
  };

  beforeAll(async () => {
    idp = await startDevIdp({
      port: 0,
      users: [...DEMO_USERS, ...PUPILS, ...OTHER],
      clients: [
        {
          clientId: 'moderato',
          clientSecret: 'test-secret',
          redirectUris: ['http://localhost:3000/auth/callback'],
          postLogoutRedirectUris: ['http://localhost:3000/'],
        },
        { clientId: 'moderato-directory', clientSecret: 'directory-secret', serviceAccount: true, redirectUris: [], postLogoutRedirectUris: [] },
      ],
    });
    api = await start('directory-secret');
    teacher = await signIn(api, 'teacher@school.test');
    csrf = csrfTokenOf((await teacher.get('/').expect(200)).text);
    const start8 = new Date(Date.now() + 86_400_000);
    meetingId = (
      await teacher
        .post('/api/v1/meetings')
        .set('x-csrf-token', csrf)
        .send({ title: 'Maths 7b', startsAt: start8.toISOString(), endsAt: new Date(start8.getTime() + 2_700_000).toISOString(), timezone: 'Europe/Berlin' })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await api?.close();
    await idp?.close();
  });

  it('searches people and groups; nested groups are named by their path', async () => {
    const found = (await teacher.get('/api/v1/directory/search?q=7b').expect(200)).body;
    expect(found.groups).toEqual([
      { name: 'classes/7b', memberCount: 30 },
      { name: 'guests/7b', memberCount: 1 },
    ]);
    const people = (await teacher.get('/api/v1/directory/search?q=pupil 1').expect(200)).body.people;
    expect(people.map((p: { email: string }) => p.email)).toEqual(expect.arrayContaining(['pupil01@school.test', 'pupil10@school.test']));
    expect(people[0]).toEqual({ name: 'Pupil 1', email: 'pupil01@school.test' });
    const page = await teacher.get(`/meetings/${meetingId}?find=7b`).set('accept-language', 'en').expect(200);
    expect(page.text).toContain('data-directory-group="classes/7b"');
    expect(page.text).toContain('Invite all 30');
  });

  it('invites the whole class in one step: 30 invitations and 30 outbox mails, the group remembered', async () => {
    const res = await teacher.post(`/api/v1/meetings/${meetingId}/invitations/group`).set('x-csrf-token', csrf).send({ group: 'classes/7b' }).expect(201);
    expect(res.body).toMatchObject({ group: 'classes/7b', members: 30, withoutEmail: 0, skipped: [] });
    const dataSource = api.app.get(DataSource);
    const rows = await dataSource.query('SELECT email, group_name FROM invitations WHERE meeting_id = $1 ORDER BY email', [meetingId]);
    expect(rows).toHaveLength(30);
    expect(rows.map((row: { email: string }) => row.email)).toEqual(PUPILS.map((pupil) => pupil.email));
    expect(new Set(rows.map((row: { group_name: string }) => row.group_name))).toEqual(new Set(['classes/7b']));
    const outbox = await dataSource.query(
      "SELECT count(*)::int AS n FROM outbox_messages o JOIN invitations i ON i.id = o.invitation_id WHERE i.meeting_id = $1 AND o.kind = 'invite'",
      [meetingId],
    );
    expect(outbox).toEqual([{ n: 30 }]);
    const page = await teacher.get(`/meetings/${meetingId}`).set('accept-language', 'en').expect(200);
    expect(page.text).toContain('classes/7b (30 people)');
  });

  it('an ambiguous short name is refused; the path picks the group', async () => {
    const ambiguous = await teacher.post(`/api/v1/meetings/${meetingId}/invitations/group`).set('x-csrf-token', csrf).send({ group: '7b' }).expect(404);
    expect(ambiguous.body.code).toBe('DIRECTORY_GROUP_NOT_FOUND');
    const other = await teacher.post(`/api/v1/meetings/${meetingId}/invitations/group`).set('x-csrf-token', csrf).send({ group: 'guests/7b' }).expect(201);
    expect(other.body).toMatchObject({ group: 'guests/7b', members: 1 });
  });

  it('wrong service-account credentials: a clear 503 that says configuration error, nothing written', async () => {
    const broken = await start('not-the-secret');
    try {
      const agent = await signIn(broken, 'teacher@school.test');
      const res = await agent.get('/api/v1/directory/search?q=7b').expect(503);
      expect(res.body.code).toBe('DIRECTORY_MISCONFIGURED');
      expect(JSON.stringify(res.body)).not.toContain('not-the-secret');
    } finally {
      await broken.close();
    }
  });

  it("the dev IdP's admin API refuses tokens of clients without a service account, like Keycloak", async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    const noToken = await fetch(`${idp.issuer}/admin/realms/dev/users`);
    expect(noToken.status).toBe(401);
    const grant = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'moderato', client_secret: 'test-secret' }),
    });
    expect(grant.status).toBe(400);
  });
});
