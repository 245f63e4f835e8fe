import { createHash, createHmac, createPublicKey } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { JitsiServersService, mintRoomToken } from '@moderato/jitsi';
import { startSignedInApi, type SignedInApi } from './signed-in';

const hs256 = {
  name: 'School Jitsi',
  baseUrl: 'https://meet.school.test',
  xmppDomain: 'meet.jitsi',
  appId: 'moderato',
  audience: 'jitsi',
  signingMode: 'HS256',
};
const rs256 = {
  name: 'Key-server Jitsi',
  baseUrl: 'https://meet2.school.test/',
  xmppDomain: 'meet.jitsi',
  appId: 'moderato-rs',
  audience: 'jitsi',
  signingMode: 'RS256',
};

/** The URL Prosody fetches for a kid: <asap_key_server>/<lower-case hex sha256(kid)>.pem */
const prosodyKeyPath = (serverId: string, kid: string) => `/asap/${serverId}/${createHash('sha256').update(kid).digest('hex')}.pem`;

describe('Jitsi server registry, ASAP keys, configuration snippets, token inspector', () => {
  let env: SignedInApi;
  let admin: TestAgent;
  let teacher: TestAgent;
  let adminCsrf: string;
  let dataSource: DataSource;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    env = await startSignedInApi({ clock, env: { TOKEN_MAX_TTL_MINUTES: '60' } });
    dataSource = env.api.app.get(DataSource);
    admin = await env.signIn('admin@school.test');
    teacher = await env.signIn('teacher@school.test');
    adminCsrf = await env.csrf(admin);
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('HS256 server', () => {
    let serverId: string;
    let secret: string;

    it('an admin registers a server through the API; the generated secret is returned once', async () => {
      const res = await admin.post('/api/v1/servers').set('x-csrf-token', adminCsrf).send(hs256).expect(201);
      expect(res.body).toMatchObject({ name: 'School Jitsi', baseUrl: 'https://meet.school.test', signingMode: 'HS256', enabled: true });
      expect(res.body.secret).toMatch(/^[0-9a-f]{64}$/);
      serverId = res.body.id;
      secret = res.body.secret;
      const again = await admin.get(`/api/v1/servers/${serverId}`).expect(200);
      expect(again.body.secret).toBeUndefined();
      expect(JSON.stringify(again.body)).not.toContain(secret);
    });

    it('stores the secret only encrypted (raw row)', async () => {
      const [row] = await dataSource.query('SELECT * FROM jitsi_servers WHERE id = $1', [serverId]);
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(row.secret_encrypted).toMatch(/^v1\./);
    });

    it('reveals the secret to an admin on request, and audits it', async () => {
      const res = await admin.post(`/api/v1/servers/${serverId}/reveal-secret`).set('x-csrf-token', adminCsrf).expect(200);
      expect(res.body.secret).toBe(secret);
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'jitsi.secret_revealed', subjectId: serverId });
      expect(event.actorLabel).toBe('admin@school.test');
    });

    it('never logs the secret', () => {
      expect(env.api.logs.text()).not.toContain(secret);
    });

    it('signs tokens that verify with the revealed secret (what Prosody checks)', async () => {
      const service = env.api.app.get(JitsiServersService);
      const server = await service.get(serverId);
      const minted = await mintRoomToken({
        server,
        signingKey: await service.signingKey(server),
        room: 'maths-7b-abc123',
        user: { id: 'u1', name: 'Tom', email: 'teacher@school.test' },
        affiliation: 'owner',
        window: { notAfter: new Date(clock.now().getTime() + 3600_000) },
        now: clock.now(),
        maxTtlSeconds: 3600,
      });
      const inspect = await admin.post('/api/v1/tokens/inspect').set('x-csrf-token', adminCsrf).send({ token: minted.token, serverId }).expect(200);
      expect(inspect.body.signature).toBe('valid');
      expect(inspect.body.problems).toEqual([]);
    });

    it("shows the docker .env and Prosody/Jicofo lines filled in with the server's values", async () => {
      const page = await admin.get(`/admin/servers/${serverId}`).set('Accept-Language', 'en').expect(200);
      for (const line of [
        'ENABLE_AUTH=1',
        'AUTH_TYPE=jwt',
        'JWT_APP_ID=moderato',
        'JWT_ACCEPTED_AUDIENCES=jitsi',
        'XMPP_MUC_MODULES=token_affiliation,token_owner_party',
        'ENABLE_AUTO_OWNER=0',
        'JICOFO_ENABLE_AUTH=0',
        'JWT_ALLOW_EMPTY=0',
        'VirtualHost &quot;meet.jitsi&quot;',
        'jicofo.conference.enable-auto-owner = false',
      ]) {
        expect(page.text).toContain(line);
      }
      expect(page.text).toContain('JWT_APP_SECRET=&lt;shared secret');
      expect(page.text).not.toContain(secret);
      const text = await admin.get(`/admin/servers/${serverId}/jitsi-config.txt`).expect(200);
      expect(text.headers['content-type']).toMatch(/text\/plain/);
      expect(text.headers['content-disposition']).toMatch(/attachment/);
      expect(text.text).toContain('# Otherwise Jicofo makes whoever enters first a moderator');
      expect(text.text).toContain('\nENABLE_AUTO_OWNER=0\n');
    });

    it('re-shows the form with field errors and the input kept; nothing is saved', async () => {
      const before = await dataSource.query('SELECT count(*)::int AS n FROM jitsi_servers');
      const res = await admin
        .post('/admin/servers')
        .type('form')
        .set('Accept-Language', 'en')
        .send({
          _csrf: adminCsrf,
          name: 'Typo server',
          baseUrl: 'meet.school.test',
          xmppDomain: 'meet jitsi',
          appId: 'moderato',
          audience: 'jitsi',
          signingMode: 'HS256',
          secret: 'short',
        })
        .expect(400);
      expect(res.text).toContain('address, such as https://meet.school.org');
      expect(res.text).toContain('Enter a domain name such as meet.jitsi');
      expect(res.text).toContain('The secret needs at least 32 characters');
      expect(res.text).toContain('value="Typo server"');
      expect(res.text).toContain('value="meet.school.test"');
      expect(await dataSource.query('SELECT count(*)::int AS n FROM jitsi_servers')).toEqual(before);
    });

    it('refuses a second server with the same name (409 with the field named)', async () => {
      const res = await admin.post('/api/v1/servers').set('x-csrf-token', adminCsrf).send(hs256).expect(409);
      expect(res.body).toMatchObject({ code: 'SERVER_NAME_TAKEN', details: { field: 'name' } });
    });

    it('edits and disables a server through the page', async () => {
      await admin
        .post(`/admin/servers/${serverId}`)
        .type('form')
        .send({
          _csrf: adminCsrf,
          name: 'School Jitsi',
          baseUrl: 'https://meet.school.test',
          xmppDomain: 'meet.jitsi',
          appId: 'moderato',
          audience: 'jitsi-school',
          allowedOrganizerRoles: '',
        })
        .expect(303);
      const res = await admin.get(`/api/v1/servers/${serverId}`).expect(200);
      expect(res.body).toMatchObject({ audience: 'jitsi-school', enabled: false });
    });
  });

  describe('RS256 server and the ASAP key endpoint', () => {
    let serverId: string;
    let firstKid: string;

    it('creates a key pair and serves the public key where Prosody looks for it', async () => {
      const page = await admin
        .post('/admin/servers')
        .type('form')
        .send({ _csrf: adminCsrf, ...rs256 })
        .expect(201);
      serverId = /\/admin\/servers\/([0-9a-f-]{36})\/edit/.exec(page.text)![1];
      firstKid = /data-kid="([^"]+)"/.exec(page.text)![1];
      expect(page.text).toContain(`JWT_ASAP_KEYSERVER=http://localhost:3000/asap/${serverId}`);
      const res = await request(env.api.server).get(prosodyKeyPath(serverId, firstKid)).expect(200);
      expect(res.text).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
      const key = createPublicKey(res.text);
      expect(key.asymmetricKeyType).toBe('rsa');
      expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    });

    it('stores the private key only encrypted', async () => {
      const [row] = await dataSource.query('SELECT * FROM jitsi_signing_keys WHERE server_id = $1', [serverId]);
      expect(row.private_key_encrypted).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
    });

    it('answers 404 for unknown keys, servers and malformed names', async () => {
      await request(env.api.server).get(prosodyKeyPath(serverId, 'no-such-kid')).expect(404);
      await request(env.api.server).get(prosodyKeyPath('00000000-0000-0000-0000-000000000000', firstKid)).expect(404);
      await request(env.api.server)
        .get(`/asap/${serverId}/${createHash('sha256').update(firstKid).digest('hex').toUpperCase()}.pem`)
        .expect(404);
      await request(env.api.server).get(`/asap/${serverId}/../../etc/passwd`).expect(404);
    });

    it('rotation signs with a new kid and keeps the old public key served until its tokens expired', async () => {
      const res = await admin.post(`/api/v1/servers/${serverId}/rotate-key`).set('x-csrf-token', adminCsrf).expect(200);
      const newKid = res.body.kid as string;
      expect(newKid).not.toBe(firstKid);
      await request(env.api.server).get(prosodyKeyPath(serverId, newKid)).expect(200);
      await request(env.api.server).get(prosodyKeyPath(serverId, firstKid)).expect(200);
      const service = env.api.app.get(JitsiServersService);
      expect(await service.signingKey(await service.get(serverId))).toMatchObject({ alg: 'RS256', kid: newKid });
      clock.advance(59 * 60_000); // TOKEN_MAX_TTL is 60 minutes
      await request(env.api.server).get(prosodyKeyPath(serverId, firstKid)).expect(200);
      clock.advance(2 * 60_000);
      await request(env.api.server).get(prosodyKeyPath(serverId, firstKid)).expect(404);
      await request(env.api.server).get(prosodyKeyPath(serverId, newKid)).expect(200);
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'jitsi.key_rotated', subjectId: serverId })).toBe(1);
      // An hour passed: the sessions idled out; sign in again for what follows.
      admin = await env.signIn('admin@school.test');
      teacher = await env.signIn('teacher@school.test');
      adminCsrf = await env.csrf(admin);
    });
  });

  describe('only admins', () => {
    it('a teacher gets 403 on every server route and API', async () => {
      const csrf = await env.csrf(teacher);
      const [server] = (await admin.get('/api/v1/servers').expect(200)).body as { id: string }[];
      const attempts: [string, string][] = [
        ['get', '/api/v1/servers'],
        ['post', '/api/v1/servers'],
        ['get', `/api/v1/servers/${server.id}`],
        ['patch', `/api/v1/servers/${server.id}`],
        ['post', `/api/v1/servers/${server.id}/rotate-key`],
        ['post', `/api/v1/servers/${server.id}/reveal-secret`],
        ['post', '/api/v1/tokens/inspect'],
        ['get', '/admin/servers'],
        ['get', '/admin/servers/new'],
        ['post', '/admin/servers'],
        ['get', `/admin/servers/${server.id}`],
        ['get', `/admin/servers/${server.id}/edit`],
        ['post', `/admin/servers/${server.id}`],
        ['post', `/admin/servers/${server.id}/reveal-secret`],
        ['post', `/admin/servers/${server.id}/rotate-key`],
        ['get', `/admin/servers/${server.id}/jitsi-config.txt`],
        ['get', '/admin/tokens/inspect'],
        ['post', '/admin/tokens/inspect'],
      ];
      for (const [method, path] of attempts) {
        const res = await (teacher as unknown as Record<string, (p: string) => request.Test>)[method](path).set('x-csrf-token', csrf).send(hs256);
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
      }
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'jitsi.secret_revealed', actorLabel: 'teacher@school.test' })).toBe(0);
    });

    it('a signed-out visitor is sent to the login (pages) or gets 401 (API)', async () => {
      await request(env.api.server).get('/api/v1/servers').expect(401);
      const res = await request(env.api.server).get('/admin/servers').expect(303);
      expect(res.headers.location).toBe('/auth/login?returnTo=%2Fadmin%2Fservers');
    });
  });

  describe('token inspector', () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = () => Math.floor(clock.now().getTime() / 1000);
    const claims = () => ({
      iss: 'moderato',
      aud: 'jitsi-school',
      sub: 'meet.jitsi',
      room: 'maths-7b',
      nbf: now() - 30,
      exp: now() + 600,
      context: { user: { id: '1', name: 'A', email: 'a@school.test', moderator: false, affiliation: 'member' } },
    });
    let serverId: string;
    let secret: string;

    beforeAll(async () => {
      const [server] = ((await admin.get('/api/v1/servers').expect(200)).body as { id: string; signingMode: string }[]).filter(
        (s) => s.signingMode === 'HS256',
      );
      serverId = server.id;
      secret = (await admin.post(`/api/v1/servers/${serverId}/reveal-secret`).set('x-csrf-token', adminCsrf).expect(200)).body.secret;
    });

    const sign = (header: object, payload: object) => {
      const input = `${b64(header)}.${b64(payload)}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };

    async function inspect(token: string) {
      const page = await admin.post('/admin/tokens/inspect').type('form').set('Accept-Language', 'en').send({ _csrf: adminCsrf, token, serverId }).expect(200);
      return { page: page.text, rules: [...page.text.matchAll(/data-rule="([^"]+)"/g)].map((m) => m[1]) };
    }

    it('accepts a correct token and says so', async () => {
      const { page, rules } = await inspect(sign({ alg: 'HS256', typ: 'JWT' }, claims()));
      expect(rules).toEqual([]);
      expect(page).toContain('data-verdict="ok"');
      expect(page).toContain('data-signature="valid"');
    });

    it('flags a token without typ, and says where the rules are explained', async () => {
      const { page, rules } = await inspect(sign({ alg: 'HS256' }, claims()));
      expect(rules.some((rule) => rule.includes('typ'))).toBe(true);
      expect(page).toContain('Every rule id is explained, with what Jitsi logs for it, in docs/jitsi-tokens.md');
    });

    it('flags a wrong aud', async () => {
      const { rules } = await inspect(sign({ alg: 'HS256', typ: 'JWT' }, { ...claims(), aud: 'someone-else' }));
      expect(rules.some((rule) => rule.includes('aud'))).toBe(true);
    });

    it('flags an expired exp', async () => {
      const { rules } = await inspect(sign({ alg: 'HS256', typ: 'JWT' }, { ...claims(), exp: now() - 5 }));
      expect(rules.some((rule) => rule.includes('exp'))).toBe(true);
    });

    it('flags a signature made with another secret, and accepts a pasted Jitsi URL', async () => {
      const forged = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims())}.${Buffer.from('nope').toString('base64url')}`;
      const { page } = await inspect(`https://meet.school.test/maths-7b?jwt=${forged}`);
      expect(page).toContain('data-signature="invalid"');
    });

    it('keeps the input and names the field when nothing was pasted', async () => {
      const res = await admin.post('/admin/tokens/inspect').type('form').send({ _csrf: adminCsrf, token: '   ', serverId }).expect(400);
      expect(res.text).toContain('Paste a token');
    });
  });

  it('publishes the API in the OpenAPI document', async () => {
    const res = await request(env.api.server).get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/servers', '/api/v1/servers/{id}', '/api/v1/servers/{id}/rotate-key', '/api/v1/me']),
    );
    expect(res.body.paths['/api/v1/tokens/inspect'].post.summary).toBe('Decode a Jitsi token and list the token rules (docs/jitsi-tokens.md) it breaks');
    expect(res.body.components.schemas.CreateServerDto.required).toEqual(
      expect.arrayContaining(['name', 'baseUrl', 'xmppDomain', 'appId', 'audience', 'signingMode']),
    );
  });
});
