import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { JitsiServerCheck, JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { Meeting } from '@moderato/meetings';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const decodeClaims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
    room: string;
    nbf: number;
    exp: number;
    context: { user: { id: string; moderator: boolean; affiliation: string } };
  };

/** The four links of a check page: kind → href (HTML entities undone). */
function linksOf(html: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const match of html.matchAll(/<li class="card interop-link" data-link="(\w+)"[\s\S]*?<a class="button button-primary" href="([^"]+)"/g)) {
    links[match[1]] = match[2]
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  }
  return links;
}
const tokenOf = (url: string) => /[?&]jwt=([^&#]+)/.exec(url)?.[1];
const checkPath = (location: string) => {
  const match = /^\/admin\/servers\/([0-9a-f-]{36})\/checks\/([0-9a-f-]{36})$/.exec(location);
  if (!match) throw new Error(`not a check page: ${location}`);
  return { serverId: match[1], checkId: match[2] };
};
const EXPECTED = { organizer: 'moderator', participant: 'member', noToken: 'refused', wrongRoom: 'refused' };

describe('"Test this server": the interop check of a Jitsi server', () => {
  let env: SignedInApi;
  let admin: TestAgent;
  let adminCsrf: string;
  let dataSource: DataSource;
  let server: JitsiServer;
  let other: JitsiServer;
  const clock = new FixedClock(new Date('2026-12-01T09:00:00Z'));

  const audits = (action: string) => dataSource.getRepository(AuditEvent).find({ where: { action }, order: { createdAt: 'ASC' } });
  const startCheck = async (serverId: string) => {
    const res = await admin.post(`/admin/servers/${serverId}/checks`).type('form').send({ _csrf: adminCsrf }).expect(303);
    return checkPath(res.headers.location);
  };

  beforeAll(async () => {
    env = await startSignedInApi({ clock, env: { TOKEN_MAX_TTL_MINUTES: '120', DEFAULT_TIMEZONE: 'UTC' } });
    dataSource = env.api.app.get(DataSource);
    server = await registerJitsiServer(env.api);
    ({ server: other } = await env.api.app
      .get(JitsiServersService)
      .create(
        { name: 'Second Jitsi', baseUrl: 'https://meet2.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato-rs', audience: 'jitsi', signingMode: 'RS256' },
        { id: null, label: 'test' },
      ));
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('teachers and students get 403 on every interop page and API, and start nothing', async () => {
    const checkId = (await startCheck(server.id)).checkId;
    const before = await dataSource.getRepository(JitsiServerCheck).count();
    for (const email of ['teacher@school.test', 'student@school.test']) {
      const agent = await env.signIn(email);
      const csrf = await env.csrf(agent);
      const attempts: [string, string, object][] = [
        ['post', `/admin/servers/${server.id}/checks`, {}],
        ['get', `/admin/servers/${server.id}/checks/${checkId}`, {}],
        ['post', `/admin/servers/${server.id}/checks/${checkId}`, EXPECTED],
        ['post', `/api/v1/servers/${server.id}/checks`, {}],
        ['get', `/api/v1/servers/${server.id}/checks/${checkId}`, {}],
        ['post', `/api/v1/servers/${server.id}/checks/${checkId}/result`, EXPECTED],
      ];
      for (const [method, path, body] of attempts) {
        const res = await (agent as unknown as Record<string, (p: string) => request.Test>)[method](path).set('x-csrf-token', csrf).send(body);
        expect({ email, method, path, status: res.status }).toEqual({ email, method, path, status: 403 });
        expect(res.text).not.toContain('jwt=');
      }
    }
    expect(await dataSource.getRepository(JitsiServerCheck).count()).toBe(before);
    expect(await dataSource.getRepository(JitsiServerCheck).countBy({ id: checkId, status: 'pending' })).toBe(1);
    await request(env.api.server).get(`/api/v1/servers/${server.id}/checks/${checkId}`).expect(401);
  });

  it('a server never verified: "Never verified" in the list, a notice on the list, its page and the admin\'s home page', async () => {
    const list = await admin.get('/admin/servers').expect(200);
    expect(list.text).toMatch(new RegExp(`<tr data-server="${server.id}">[\\s\\S]*?data-check-status="never">Never verified<`));
    expect(list.text).toContain('data-interop-notice');
    expect(list.text).toContain(`data-unverified-server="${server.id}"`);
    expect(list.text).toContain(`data-unverified-server="${other.id}"`);
    const page = await admin.get(`/admin/servers/${server.id}`).expect(200);
    expect(page.text).toContain('data-interop-notice');
    expect(page.text).toContain('>Test this server</button>');
    const home = await admin.get('/').expect(200);
    expect(home.text).toContain(`data-unverified-server="${server.id}"`);
    // Only admins see it.
    const teacherHome = await (await env.signIn('teacher@school.test')).get('/').expect(200);
    expect(teacherHome.text).not.toContain('data-interop-notice');
    // In German too.
    const german = await admin.get('/admin/servers').set('Accept-Language', 'de').expect(200);
    expect(german.text).toContain('Noch nie geprüft');
    expect(german.text).toContain('Zu testende Jitsi-Server');
  });

  describe('a check', () => {
    let checkId: string;
    let html: string;
    let links: Record<string, string>;
    const startedAt = clock.now();

    beforeAll(async () => {
      ({ checkId } = await startCheck(server.id));
      const res = await admin.get(`/admin/servers/${server.id}/checks/${checkId}`).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      html = res.text;
      links = linksOf(html);
    });

    it('is stored with a test room and a 15-minute window, and audited as server.interop_started', async () => {
      const check = await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId });
      expect(check).toMatchObject({ serverId: server.id, status: 'pending', startedByLabel: 'admin@school.test', outcomes: null, recordedAt: null });
      expect(check.room).toMatch(/^moderato-test-[a-z2-9]{16}$/);
      expect(check.otherRoom).toMatch(/^moderato-test-[a-z2-9]{16}$/);
      expect(check.otherRoom).not.toBe(check.room);
      expect(check.expiresAt.getTime() - check.startedAt.getTime()).toBe(15 * 60_000);
      const event = (await audits('server.interop_started')).find((e) => e.metadata.checkId === checkId)!;
      expect(event).toMatchObject({ actorLabel: 'admin@school.test', subjectType: 'jitsi_server', subjectId: server.id });
      expect(event.metadata).toMatchObject({ room: check.room, expiresAt: check.expiresAt.toISOString() });
      expect(JSON.stringify(event.metadata)).not.toContain('eyJ');
    });

    it('shows four links to the real Jitsi room, each with a QR code and what must happen', async () => {
      const { room, otherRoom } = await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId });
      expect(Object.keys(links)).toEqual(['organizer', 'participant', 'noToken', 'wrongRoom']);
      for (const url of Object.values(links)) expect(url.startsWith(`https://meet.school.test/${room}`)).toBe(true);
      expect(links.noToken).toBe(`https://meet.school.test/${room}`);
      expect(html.match(/<svg role="img" aria-label="QR code of this link: [^"]+" class="qr"/g)).toHaveLength(4);
      for (const text of [
        'You enter the room and are moderator',
        'WITHOUT moderator rights',
        'Nobody gets into the room without a token',
        'the token is valid, but for another room',
        'ENABLE_AUTO_OWNER=0',
        'JICOFO_ENABLE_AUTH=0',
        'jicofo.conference.enable-auto-owner = false',
        'JWT_ALLOW_EMPTY=0',
        'allow_empty_token = false',
        '&quot;token_verification&quot;',
      ]) {
        expect(html).toContain(text);
      }
      expect(html).not.toContain(otherRoom + '"');
      const german = (await admin.get(`/admin/servers/${server.id}/checks/${checkId}`).set('Accept-Language', 'de').expect(200)).text;
      for (const text of [
        'Muss passieren',
        'Was ist passiert?',
        'Falls stattdessen: MIT Moderatorrechten eingetreten',
        '/etc/jitsi/jicofo/jicofo.conf (danach: systemctl restart jicofo)',
        'Ergebnis speichern',
      ]) {
        expect(german).toContain(text);
      }
    });

    it('organizer and participant tokens carry owner/member for the test room; wrong room a member token for another room', async () => {
      const check = await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId });
      const owner = decodeClaims(tokenOf(links.organizer)!);
      const member = decodeClaims(tokenOf(links.participant)!);
      const stranger = decodeClaims(tokenOf(links.wrongRoom)!);
      expect(owner).toMatchObject({ room: check.room, context: { user: { affiliation: 'owner', moderator: true } } });
      expect(member).toMatchObject({ room: check.room, context: { user: { affiliation: 'member', moderator: false } } });
      expect(stranger).toMatchObject({ room: check.otherRoom, context: { user: { affiliation: 'member', moderator: false } } });
      expect(tokenOf(links.noToken)).toBeUndefined();
      for (const claims of [owner, member, stranger]) {
        expect(claims.nbf).toBe(Math.floor(startedAt.getTime() / 1000) - 30);
        expect(claims.exp).toBe(Math.floor(check.expiresAt.getTime() / 1000));
      }
    });

    it('the tokens are valid for this server (inspector) only inside the test window', async () => {
      for (const kind of ['organizer', 'participant', 'wrongRoom']) {
        const res = await admin
          .post('/api/v1/tokens/inspect')
          .set('x-csrf-token', adminCsrf)
          .send({ token: tokenOf(links[kind]), serverId: server.id })
          .expect(200);
        expect({ kind, signature: res.body.signature, problems: res.body.problems }).toEqual({ kind, signature: 'valid', problems: [] });
      }
      clock.set(new Date(startedAt.getTime() + 15 * 60_000));
      try {
        for (const kind of ['organizer', 'participant', 'wrongRoom']) {
          const res = await admin
            .post('/api/v1/tokens/inspect')
            .set('x-csrf-token', adminCsrf)
            .send({ token: tokenOf(links[kind]), serverId: server.id })
            .expect(200);
          expect(res.body.problems.map((p: { rule: string }) => p.rule)).toEqual(['claim.exp.expired']);
        }
        const after = await admin.get(`/admin/servers/${server.id}/checks/${checkId}`).expect(200);
        expect(after.text).toContain('The test window is over');
        expect(after.text).not.toContain('jwt=');
        expect(linksOf(after.text)).toEqual({});
      } finally {
        clock.set(startedAt);
      }
    });

    it('the organizer\'s "authentication failed" help opens the token inspector with the token filled in (POST, not in a URL)', async () => {
      const form = /<form method="post" action="\/admin\/tokens\/inspect" target="_blank" class="inspect-form">([\s\S]*?)<\/form>/.exec(html)!;
      expect(form).not.toBeNull();
      const token = /name="token" value="([^"]+)"/.exec(form[1])![1];
      expect(token).toBe(tokenOf(links.organizer));
      expect(form[1]).toContain(`name="serverId" value="${server.id}"`);
      const inspected = await admin.post('/admin/tokens/inspect').type('form').send({ _csrf: adminCsrf, token, serverId: server.id }).expect(200);
      expect(inspected.text).toContain('data-verdict="ok"');
      expect(inspected.text).toContain('data-signature="valid"');
    });

    it('the test room is no meeting: no meeting row, in no list', async () => {
      const check = await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId });
      expect(await dataSource.getRepository(Meeting).count()).toBe(0);
      const teacher = await env.signIn('teacher@school.test');
      for (const path of ['/meetings', '/invitations', '/api/v1/meetings']) {
        const res = await teacher.get(path).expect(200);
        expect(res.text).not.toContain(check.room);
      }
    });

    it('an incomplete or invalid result is refused with a 400, the choices kept, and nothing stored or audited', async () => {
      const res = await admin
        .post(`/admin/servers/${server.id}/checks/${checkId}`)
        .type('form')
        .send({ _csrf: adminCsrf, organizer: 'moderator', noToken: 'maybe', wrongRoom: 'refused', note: 'x'.repeat(1001) })
        .expect(400);
      expect(res.text).toContain('participant: choose what happened');
      expect(res.text).toContain('noToken: choose what happened');
      expect(res.text).toContain('Use at most 1000 characters');
      expect(res.text).toMatch(/name="organizer" value="moderator" checked/);
      expect(res.text).toMatch(/name="wrongRoom" value="refused" checked/);
      expect(Object.keys(linksOf(res.text))).toHaveLength(4);
      expect(await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId })).toMatchObject({ status: 'pending', outcomes: null });
      expect((await audits('server.interop_recorded')).length).toBe(0);
      const api = await admin
        .post(`/api/v1/servers/${server.id}/checks/${checkId}/result`)
        .set('x-csrf-token', adminCsrf)
        .send({ ...EXPECTED, participant: 'guest' })
        .expect(400);
      expect(JSON.stringify(api.body.details)).toContain('participant');
    });

    it('a result without the CSRF token is refused', async () => {
      await admin.post(`/admin/servers/${server.id}/checks/${checkId}`).type('form').send(EXPECTED).expect(403);
      expect(await dataSource.getRepository(JitsiServerCheck).countBy({ id: checkId, status: 'pending' })).toBe(1);
    });

    it('all four as they must be: stored as verified, audited, shown in the server list; the notice is gone for it', async () => {
      clock.advance(5 * 60_000);
      const res = await admin
        .post(`/admin/servers/${server.id}/checks/${checkId}`)
        .type('form')
        .send({ _csrf: adminCsrf, ...EXPECTED, note: 'docker .env updated' })
        .expect(303);
      expect(res.headers.location).toBe(`/admin/servers/${server.id}/checks/${checkId}`);
      const check = await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId });
      expect(check).toMatchObject({
        status: 'verified',
        outcomes: EXPECTED,
        note: 'docker .env updated',
        recordedByLabel: 'admin@school.test',
        recordedAt: clock.now(),
      });
      const [event] = await audits('server.interop_recorded');
      expect(event).toMatchObject({
        actorLabel: 'admin@school.test',
        subjectType: 'jitsi_server',
        subjectId: server.id,
        metadata: { checkId, status: 'verified', outcomes: EXPECTED },
      });

      const result = await admin.get(res.headers.location).expect(200);
      expect(result.text).toContain('Recorded: the server behaves as it must.');
      expect(result.text).toContain('data-result="verified"');
      const list = await admin.get('/admin/servers').expect(200);
      expect(list.text).toMatch(
        new RegExp(
          `<tr data-server="${server.id}">[\\s\\S]*?data-check-status="verified">Verified on Dec 1, 2026, 9:05\\s?AM \\(UTC\\) by admin@school\\.test<`,
        ),
      );
      expect(list.text).not.toContain(`data-unverified-server="${server.id}"`);
      expect(list.text).toContain(`data-unverified-server="${other.id}"`);
      expect((await admin.get(`/admin/servers/${server.id}`).expect(200)).text).not.toContain('data-interop-notice');
    });

    it('a result is recorded once: a second one is a 409 and changes nothing', async () => {
      await admin
        .post(`/admin/servers/${server.id}/checks/${checkId}`)
        .type('form')
        .send({ _csrf: adminCsrf, ...EXPECTED, participant: 'moderator' })
        .expect(409);
      expect(await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId })).toMatchObject({ status: 'verified', outcomes: EXPECTED });
      expect((await audits('server.interop_recorded')).length).toBe(1);
    });
  });

  it('a participant who became moderator: "problems found" in the list and the notice, and the page keeps the fixes open', async () => {
    const { checkId } = await startCheck(server.id);
    clock.advance(60_000);
    await admin
      .post(`/admin/servers/${server.id}/checks/${checkId}`)
      .type('form')
      .send({ _csrf: adminCsrf, ...EXPECTED, participant: 'moderator' })
      .expect(303);
    expect(await dataSource.getRepository(JitsiServerCheck).findOneByOrFail({ id: checkId })).toMatchObject({
      status: 'problems',
      outcomes: { ...EXPECTED, participant: 'moderator' },
    });
    const page = (await admin.get(`/admin/servers/${server.id}/checks/${checkId}`).expect(200)).text;
    expect(page).toContain('data-result="problems"');
    expect(page).toMatch(
      /<li class="card interop-link" data-link="participant" data-outcome="moderator">[\s\S]*?<details class="failure" data-failure="moderator" open>/,
    );
    const list = (await admin.get('/admin/servers').expect(200)).text;
    expect(list).toMatch(new RegExp(`<tr data-server="${server.id}">[\\s\\S]*?data-check-status="problems">Problems found on`));
    expect(list).toContain(`data-unverified-server="${server.id}"`);
    expect((await admin.get('/').expect(200)).text).toContain(`data-unverified-server="${server.id}"`);
  });

  it('the REST API: start (four links with expectations), read, record', async () => {
    const started = await admin.post(`/api/v1/servers/${other.id}/checks`).set('x-csrf-token', adminCsrf).expect(201);
    expect(started.body.links.map((l: { kind: string }) => l.kind)).toEqual(['organizer', 'participant', 'noToken', 'wrongRoom']);
    expect(started.body.expectations.map((e: { kind: string }) => e.kind)).toEqual(['organizer', 'participant', 'noToken', 'wrongRoom']);
    // RS256: the token carries the kid Prosody fetches the public key by.
    const header = JSON.parse(Buffer.from(tokenOf(started.body.links[0].url)!.split('.')[0], 'base64url').toString('utf8'));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.stringMatching(/^moderato\//) });
    expect(started.headers['cache-control']).toBe('no-store');
    const read = await admin.get(`/api/v1/servers/${other.id}/checks/${started.body.id}`).expect(200);
    expect(read.headers['cache-control']).toBe('no-store');
    expect(read.body).toMatchObject({ id: started.body.id, status: 'pending', expired: false });
    const recorded = await admin.post(`/api/v1/servers/${other.id}/checks/${started.body.id}/result`).set('x-csrf-token', adminCsrf).send(EXPECTED).expect(200);
    expect(recorded.body).toMatchObject({ status: 'verified', recordedBy: 'admin@school.test' });
    expect((await admin.get('/admin/servers').expect(200)).text).not.toContain(`data-unverified-server="${other.id}"`);
  });

  it('a verification goes out of date when a token setting or the signing key changes, not when the name does', async () => {
    const row = async () => {
      const list = (await admin.get('/admin/servers').expect(200)).text;
      return { row: new RegExp(`<tr data-server="${other.id}">[\\s\\S]*?</tr>`).exec(list)![0], list };
    };
    await admin.patch(`/api/v1/servers/${other.id}`).set('x-csrf-token', adminCsrf).send({ name: 'Second Jitsi (renamed)' }).expect(200);
    let { row: line, list } = await row();
    expect(line).toContain('data-check-status="verified"');
    expect(line).not.toContain('data-changed-since');
    expect(list).not.toContain(`data-unverified-server="${other.id}"`);

    await admin.post(`/api/v1/servers/${other.id}/rotate-key`).set('x-csrf-token', adminCsrf).expect(200);
    ({ row: line, list } = await row());
    expect(line).toContain('data-check-status="verified"');
    expect(line).toContain('(the server&#39;s settings changed since: test again)');
    expect(list).toMatch(new RegExp(`data-unverified-server="${other.id}">[\\s\\S]*?settings changed since it was verified on`));

    clock.advance(60_000);
    const started = await admin.post(`/api/v1/servers/${other.id}/checks`).set('x-csrf-token', adminCsrf).expect(201);
    await admin.post(`/api/v1/servers/${other.id}/checks/${started.body.id}/result`).set('x-csrf-token', adminCsrf).send(EXPECTED).expect(200);
    ({ row: line, list } = await row());
    expect(line).not.toContain('data-changed-since');
    expect(list).not.toContain(`data-unverified-server="${other.id}"`);

    await admin.patch(`/api/v1/servers/${other.id}`).set('x-csrf-token', adminCsrf).send({ audience: 'jitsi-new' }).expect(200);
    expect((await row()).row).toContain('data-changed-since');
  });

  it('a check of another server, an unknown or malformed check id: 404', async () => {
    const { checkId } = await startCheck(server.id);
    await admin.get(`/admin/servers/${other.id}/checks/${checkId}`).expect(404);
    await admin.get(`/admin/servers/${server.id}/checks/00000000-0000-4000-8000-000000000000`).expect(404);
    await admin.get(`/admin/servers/${server.id}/checks/nonsense`).expect(404);
    await admin.post(`/admin/servers/00000000-0000-4000-8000-000000000000/checks`).type('form').send({ _csrf: adminCsrf }).expect(404);
    await admin.post(`/api/v1/servers/${other.id}/checks/${checkId}/result`).set('x-csrf-token', adminCsrf).send(EXPECTED).expect(404);
  });

  it('never logs a token', () => {
    expect(env.api.logs.text()).toContain('/checks/');
    expect(env.api.logs.text()).not.toMatch(/eyJhbGciOi/);
  });
});
