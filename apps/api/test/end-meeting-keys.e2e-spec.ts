import { createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { JitsiServersService, SystemKeysService, mintSystemToken, type JitsiServer } from '@moderato/jitsi';
import { freePort } from '@moderato/testing';
import { rs256StandIn, runningMeeting } from './end-meeting-stand-in';
import { startSignedInApi, type SignedInApi } from './signed-in';

const verifies = async (token: string, pem: string) =>
  jwtVerify(token, createPublicKey(pem)).then(
    () => true,
    () => false,
  );

describe('End meeting: the system key URL, HS256 servers, and what Prosody answers', () => {
  let env: SignedInApi;
  let teacher: TestAgent;
  let admin: TestAgent;
  const clock = new FixedClock(new Date());
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    teacher = await env.signIn('teacher@school.test');
    admin = await env.signIn('admin@school.test');
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await env?.close();
  });

  it('serves system keys only at /asap/system and login keys only at /asap/<server>; each token verifies against its own key only', async () => {
    const { server, jitsi } = await rs256StandIn(env, clock, 'Keys');
    closers.push(() => jitsi.close());
    const systemKeys = env.api.app.get(SystemKeysService);
    const systemKey = await systemKeys.signingKey();
    const [system] = await systemKeys.publishedKeys();
    const [login] = await env.api.app.get(JitsiServersService).publishedKeys(server.id);
    expect(system.kid).toBe(systemKey.kid);
    expect(system.kid).not.toBe(login.kid);

    const systemPem = (await request(env.api.server).get(`/asap/system/${system.kidHash}.pem`).expect(200)).text;
    const loginPem = (await request(env.api.server).get(`/asap/${server.id}/${login.kidHash}.pem`).expect(200)).text;
    await request(env.api.server).get(`/asap/system/${login.kidHash}.pem`).expect(404);
    await request(env.api.server).get(`/asap/${server.id}/${system.kidHash}.pem`).expect(404);

    const { token: systemToken, header, claims } = await mintSystemToken({ server, key: systemKey, room: 'Maths-7B', now: clock.now() });
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: system.kid });
    expect(claims).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: 'maths-7b' });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(60);
    expect(await verifies(systemToken, systemPem)).toBe(true);
    expect(await verifies(systemToken, loginPem)).toBe(false);

    const { meeting, link } = await runningMeeting(env, teacher, clock, server);
    const student = await env.signIn('student@school.test');
    const loginToken = new URL((await student.get(link).expect(302)).headers.location).searchParams.get('jwt')!;
    expect(await verifies(loginToken, loginPem)).toBe(true);
    expect(await verifies(loginToken, systemPem)).toBe(false);

    // The stand-in's muc_end_meeting refuses a login token (401) and takes the system token.
    const conference = `${meeting.roomName}@conference.meet.jitsi`;
    const call = (token: string | null, query = `?conference=${encodeURIComponent(conference)}`) =>
      fetch(`${jitsi.url}/end-meeting${query}`, { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {} }).then((res) => res.status);
    expect(await call(loginToken)).toBe(401);
    expect(await call(null)).toBe(401);
    expect(await call(systemToken, '')).toBe(400);
    expect(await call(systemToken, `?conference=${encodeURIComponent(conference.toUpperCase())}`)).toBe(404);
    expect(await call(systemToken)).toBe(404); // nobody joined the room at the stand-in
  });

  it('rotation: a new kid signs, the previous system key stays published a few minutes; audited', async () => {
    const systemKeys = env.api.app.get(SystemKeysService);
    const before = await systemKeys.signingKey();
    await teacher
      .post('/api/v1/admin/system-key/rotate')
      .set('x-csrf-token', await env.csrf(teacher))
      .expect(403);
    const { body: rotated } = await admin
      .post('/api/v1/admin/system-key/rotate')
      .set('x-csrf-token', await env.csrf(admin))
      .expect(200);
    const { body: shown } = await admin.get('/api/v1/admin/system-key').expect(200);
    expect(shown.keyUrl).toBe('http://localhost:3000/asap/system');
    expect(shown.keys.map((key: { kid: string }) => key.kid)).toEqual([rotated.kid, before.kid]);
    expect(rotated.kid).not.toBe(before.kid);
    expect((await systemKeys.signingKey()).kid).toBe(rotated.kid);
    expect((await systemKeys.publishedKeys()).map((key) => key.kid)).toEqual(expect.arrayContaining([before.kid, rotated.kid]));
    clock.advance(11 * 60_000);
    expect((await systemKeys.publishedKeys()).map((key) => key.kid)).toEqual([rotated.kid]);
    clock.advance(-11 * 60_000);
    expect(await env.api.app.get(DataSource).getRepository(AuditEvent).countBy({ action: 'jitsi.system_key_rotated' })).toBe(1);
  });

  it('an HS256 server: no button but why and how to move to RS256; the API answers 409; the server page says the same', async () => {
    const { server } = await env.api.app.get(JitsiServersService).create(
      {
        name: 'Jitsi HS256',
        baseUrl: 'https://meet.hs.test',
        xmppDomain: 'meet.jitsi',
        appId: 'moderato',
        audience: 'jitsi',
        signingMode: 'HS256',
        prosodyHttpUrl: 'http://127.0.0.1:9',
      },
      { id: null, label: 'test' },
    );
    const { meeting } = await runningMeeting(env, teacher, clock, server);
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).not.toContain(`href="/meetings/${meeting.id}/end"`);
    expect(page.text).toContain('data-end-meeting-unavailable="needs_rs256"');
    expect(page.text).toContain('an HS256 server refuses every end-meeting call');
    expect(page.text).toContain('moves the server to RS256');
    const german = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'de').expect(200);
    expect(german.text).toContain('lehnt ein HS256-Server jeden Aufruf zum Beenden ab');

    const refused = await teacher
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(teacher))
      .expect(409);
    expect(refused.body.code).toBe('END_MEETING_NEEDS_RS256');
    expect(refused.body.message).toContain('only possible on a server that signs with RS256');
    const serverPage = await admin.get(`/admin/servers/${server.id}`).set('Accept-Language', 'en').expect(200);
    expect(serverPage.text).toContain('data-end-meeting-unavailable="needs_rs256"');
  });

  it('an RS256 server without a Prosody HTTP base URL: End meeting is not set up (page and 409)', async () => {
    const { server } = await env.api.app.get(JitsiServersService).create(
      {
        name: 'RS256 without Prosody URL',
        baseUrl: 'https://meet.rs.test',
        xmppDomain: 'meet.jitsi',
        appId: 'moderato',
        audience: 'jitsi',
        signingMode: 'RS256',
      },
      { id: null, label: 'test' },
    );
    const { meeting } = await runningMeeting(env, teacher, clock, server);
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('data-end-meeting-unavailable="not_configured"');
    const refused = await teacher
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(teacher))
      .expect(409);
    expect(refused.body.code).toBe('END_MEETING_NOT_CONFIGURED');
  });

  it('Prosody 401 → "Prosody refused the system token" (503, page too); no answer → a clear 503; nothing recorded; never a 500', async () => {
    // A host that accepts another issuer: it refuses Moderato's system token.
    const { server, jitsi } = await rs256StandIn(env, clock, 'Other issuer', { appId: 'someone-else' });
    closers.push(() => jitsi.close());
    const { meeting } = await runningMeeting(env, teacher, clock, server);
    const refused = await teacher
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(teacher))
      .expect(503);
    expect(refused.body).toMatchObject({ code: 'PROSODY_REFUSED_SYSTEM_TOKEN' });
    expect(refused.body.message).toContain('Prosody refused the system token');
    const page = await teacher
      .post(`/meetings/${meeting.id}/end`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: await env.csrf(teacher) })
      .expect(503);
    expect(page.text).toContain('Prosody refused Moderato&#39;s system token');

    const closed = await freePort();
    const unreachable = await env.api.app
      .get(JitsiServersService)
      .update(server.id, { prosodyHttpUrl: `http://127.0.0.1:${closed}` }, { id: null, label: 'test' });
    expect(unreachable.prosodyHttpUrl).toBe(`http://127.0.0.1:${closed}`);
    const down = await teacher
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(teacher))
      .expect(503);
    expect(down.body.code).toBe('PROSODY_UNREACHABLE');
    expect(down.body.message).toContain('ECONNREFUSED');
    const downPage = await teacher
      .post(`/meetings/${meeting.id}/end`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: await env.csrf(teacher) })
      .expect(503);
    expect(downPage.text).toContain('Moderato could not reach Prosody (ECONNREFUSED');
    const ds = env.api.app.get(DataSource);
    expect(await ds.getRepository(AuditEvent).countBy({ action: 'meeting.end_failed', subjectId: meeting.id })).toBe(4);
    expect(await ds.getRepository(AuditEvent).countBy({ action: 'meeting.ended', subjectId: meeting.id })).toBe(0);
  });

  it('the server form validates the Prosody HTTP base URL and shows the lines to paste with the system key URL', async () => {
    const server = (await env.api.app.get(JitsiServersService).list()).find((s: JitsiServer) => s.name === 'Keys')!;
    const csrf = await env.csrf(admin);
    const bad = await admin
      .post(`/admin/servers/${server.id}`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({
        _csrf: csrf,
        name: server.name,
        baseUrl: server.baseUrl,
        xmppDomain: 'meet.jitsi',
        appId: 'moderato',
        audience: 'jitsi',
        prosodyHttpUrl: 'xmpp:5280',
      })
      .expect(400);
    expect(bad.text).toContain('value="xmpp:5280"');
    const page = await admin.get(`/admin/servers/${server.id}`).expect(200);
    expect(page.text).toContain('GLOBAL_MODULES=muc_end_meeting');
    const kid = /data-system-kid="([^"]+)"/.exec(page.text)?.[1];
    expect(kid).toMatch(/^moderato\/system\//);
    await admin.post(`/admin/servers/${server.id}/rotate-system-key`).type('form').send({}).expect(403);
    const rotated = await admin.post(`/admin/servers/${server.id}/rotate-system-key`).type('form').send({ _csrf: csrf }).expect(303);
    expect(rotated.headers.location).toBe(`/admin/servers/${server.id}#end-meeting`);
    const after = await admin.get(`/admin/servers/${server.id}`).set('Accept-Language', 'en').expect(200);
    expect(after.text).toContain('A new system key is in use for every server.');
    expect(/data-system-kid="([^"]+)"/.exec(after.text)?.[1]).not.toBe(kid);
    expect(page.text).toContain('prosody_password_public_key_repo_url = &quot;http://localhost:3000/asap/system&quot;');
    expect(page.text).not.toContain(`prosody_password_public_key_repo_url = &quot;http://localhost:3000/asap/${server.id}`);
  });
});
