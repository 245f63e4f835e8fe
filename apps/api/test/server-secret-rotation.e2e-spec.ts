import { errors, jwtVerify } from 'jose';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { JitsiServersService, mintRoomToken } from '@moderato/jitsi';
import { csrfTokenOf } from './api-app';
import { startSignedInApi, type SignedInApi } from './signed-in';

const server = (name: string, signingMode: 'HS256' | 'RS256') => ({
  name,
  baseUrl: 'https://meet.school.test',
  xmppDomain: 'meet.jitsi',
  appId: 'moderato',
  audience: 'jitsi',
  signingMode,
});

describe('Rotating the shared secret of an HS256 Jitsi server (REST, page, audit)', () => {
  let env: SignedInApi;
  let admin: TestAgent;
  let adminCsrf: string;
  let dataSource: DataSource;
  let hsId: string;
  let oldSecret: string;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    dataSource = env.api.app.get(DataSource);
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
    const created = await admin.post('/api/v1/servers').set('x-csrf-token', adminCsrf).send(server('Rotating Jitsi', 'HS256')).expect(201);
    hsId = created.body.id;
    oldSecret = created.body.secret;
  });
  afterAll(async () => {
    await env?.close();
  });

  /** A token as a join link carries it, minted the way the join does (through the signing cache). */
  async function mintNow(): Promise<string> {
    const { server: row, signingKey } = await env.api.app.get(JitsiServersService).forSigning(hsId);
    const minted = await mintRoomToken({
      server: row,
      signingKey,
      room: 'maths-7b-abc123',
      user: { id: 'u1', name: 'Tom', email: 'teacher@school.test' },
      affiliation: 'owner',
      window: { notAfter: new Date(clock.now().getTime() + 3600_000) },
      now: clock.now(),
      maxTtlSeconds: 3600,
    });
    return minted.token;
  }
  const verifies = async (token: string, secret: string) =>
    jwtVerify(token, new TextEncoder().encode(secret), { currentDate: clock.now() }).then(
      () => true,
      (error) => {
        if (error instanceof errors.JWSSignatureVerificationFailed) return false;
        throw error;
      },
    );

  it('an admin rotates through the API: a new secret, the Jitsi lines that carry it, tokens signed with it at once', async () => {
    // Warm the signing cache with the old secret: rotation must not wait for it to expire.
    expect(await verifies(await mintNow(), oldSecret)).toBe(true);
    const res = await admin.post(`/api/v1/admin/servers/${hsId}/secret`).set('x-csrf-token', adminCsrf).send({}).expect(201);
    expect(res.body.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.secret).not.toBe(oldSecret);
    const lines = (res.body.jitsiLines as { line: string }[]).map((entry) => entry.line);
    expect(lines).toEqual([`JWT_APP_SECRET=${res.body.secret}`, `app_secret = "${res.body.secret}"`]);

    const token = await mintNow();
    expect(await verifies(token, res.body.secret)).toBe(true);
    expect(await verifies(token, oldSecret)).toBe(false);
    const inspected = await admin.post('/api/v1/tokens/inspect').set('x-csrf-token', adminCsrf).send({ token, serverId: hsId }).expect(200);
    expect(inspected.body.signature).toBe('valid');
    const revealed = await admin.post(`/api/v1/servers/${hsId}/reveal-secret`).set('x-csrf-token', adminCsrf).expect(200);
    expect(revealed.body.secret).toBe(res.body.secret);
    oldSecret = res.body.secret;
  });

  it('takes a given secret that obeys the rules of creation; a short one is a 400 with the field message, nothing changed', async () => {
    const bad = await admin.post(`/api/v1/admin/servers/${hsId}/secret`).set('x-csrf-token', adminCsrf).send({ secret: 'too-short' }).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details).toEqual([{ field: 'secret', messages: ['secret must be at least 32 characters (leave it empty to have one generated)'] }]);
    const unknown = await admin
      .post(`/api/v1/admin/servers/${hsId}/secret`)
      .set('x-csrf-token', adminCsrf)
      .send({ secret: 'x'.repeat(40), extra: 1 })
      .expect(400);
    expect(unknown.body.details).toEqual([{ field: 'extra', messages: ['property extra should not exist'] }]);
    expect(await verifies(await mintNow(), oldSecret)).toBe(true);

    const mine = 'a-secret-the-jitsi-side-already-has-0123456789';
    const res = await admin.post(`/api/v1/admin/servers/${hsId}/secret`).set('x-csrf-token', adminCsrf).send({ secret: mine }).expect(201);
    expect(res.body.secret).toBe(mine);
    expect(await verifies(await mintNow(), mine)).toBe(true);
    const [row] = await dataSource.query('SELECT secret_encrypted FROM jitsi_servers WHERE id = $1', [hsId]);
    expect(row.secret_encrypted).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(mine);
    oldSecret = mine;
  });

  it('audits each rotation without the secret, and never logs it', async () => {
    const events = await dataSource.getRepository(AuditEvent).findBy({ action: 'jitsi.server_secret_rotated', subjectId: hsId });
    // Both at the same (fixed) time: compare without order.
    expect(events.map((event) => [event.actorLabel, event.metadata])).toEqual(
      expect.arrayContaining([
        ['admin@school.test', { secretGenerated: true }],
        ['admin@school.test', { secretGenerated: false }],
      ]),
    );
    expect(events).toHaveLength(2);
    expect(JSON.stringify(events)).not.toContain(oldSecret);
    expect(env.api.logs.text()).not.toContain(oldSecret);
  });

  it('refuses an RS256 server (it has Rotate key) and answers 404 for an unknown one', async () => {
    const rs = await admin.post('/api/v1/servers').set('x-csrf-token', adminCsrf).send(server('Key Jitsi', 'RS256')).expect(201);
    const res = await admin.post(`/api/v1/admin/servers/${rs.body.id}/secret`).set('x-csrf-token', adminCsrf).send({}).expect(400);
    expect(res.body).toMatchObject({ code: 'WRONG_SIGNING_MODE', message: 'Rotating a shared secret is not possible for a server that signs with RS256' });
    await admin.get(`/admin/servers/${rs.body.id}/rotate-secret`).expect(400);
    await admin.post(`/api/v1/admin/servers/00000000-0000-0000-0000-000000000000/secret`).set('x-csrf-token', adminCsrf).send({}).expect(404);
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'jitsi.server_secret_rotated', subjectId: rs.body.id })).toBe(0);
  });

  it('only admins: a teacher gets 403 (API and pages), and without the CSRF token the POST is refused', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const csrf = await env.csrf(teacher);
    await teacher.post(`/api/v1/admin/servers/${hsId}/secret`).set('x-csrf-token', csrf).send({}).expect(403);
    await teacher.get(`/admin/servers/${hsId}/rotate-secret`).expect(403);
    await teacher.post(`/admin/servers/${hsId}/rotate-secret`).type('form').send({ _csrf: csrf }).expect(403);
    await admin.post(`/api/v1/admin/servers/${hsId}/secret`).send({}).expect(403);
    await admin.post(`/admin/servers/${hsId}/rotate-secret`).type('form').send({}).expect(403);
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'jitsi.server_secret_rotated', subjectId: hsId })).toBe(2);
    expect(await verifies(await mintNow(), oldSecret)).toBe(true);
  });

  it('the page: the server page links a confirmation that explains the effect; confirming shows the new secret once with the lines', async () => {
    const page = await admin.get(`/admin/servers/${hsId}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain(`href="/admin/servers/${hsId}/rotate-secret"`);
    const confirm = await admin.get(`/admin/servers/${hsId}/rotate-secret`).set('Accept-Language', 'en').expect(200);
    expect(confirm.text).toContain('Meetings in progress keep running: Jitsi checks a token when someone joins');
    expect(confirm.text).toContain('tokens signed with the old secret stop working');
    expect(confirm.text).toContain(`action="/admin/servers/${hsId}/rotate-secret"`);

    const short = await admin
      .post(`/admin/servers/${hsId}/rotate-secret`)
      .type('form')
      .set('Accept-Language', 'en')
      .send({ _csrf: csrfTokenOf(confirm.text), secret: 'short' })
      .expect(400);
    expect(short.text).toContain('The secret needs at least 32 characters');
    expect(short.text).toContain('value="short"');

    const done = await admin
      .post(`/admin/servers/${hsId}/rotate-secret`)
      .type('form')
      .set('Accept-Language', 'en')
      .send({ _csrf: csrfTokenOf(confirm.text), secret: '' })
      .expect(200);
    const secret = /data-secret>([0-9a-f]{64})</.exec(done.text)?.[1] ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(oldSecret);
    expect(done.text).toContain('The shared secret is replaced');
    expect(done.text).toContain(`JWT_APP_SECRET=${secret}`);
    expect(done.text).toContain(`app_secret = &quot;${secret}&quot;`);
    expect(await verifies(await mintNow(), secret)).toBe(true);

    const again = await admin.get(`/admin/servers/${hsId}`).expect(200);
    expect(again.text).not.toContain(secret);
    expect(env.api.logs.text()).not.toContain(secret);
  });

  it('speaks German', async () => {
    const confirm = await admin.get(`/admin/servers/${hsId}/rotate-secret`).set('Accept-Language', 'de').expect(200);
    expect(confirm.text).toContain('Laufende Besprechungen laufen weiter');
  });
});
