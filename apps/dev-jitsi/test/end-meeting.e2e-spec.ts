import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FixedClock } from '@moderato/core';
import { startDevJitsi, type JitsiHostSettings, type RunningDevJitsi } from '@moderato/dev-jitsi';
import { kidHash, mintRoomToken, mintSystemToken } from '@moderato/jitsi';
import { landOnStandIn } from '../../api/test/signed-in';

// The stand-in's POST /end-meeting answers as Jitsi's muc_end_meeting does with a real Prosody.

const NOW = new Date('2026-12-07T08:00:00Z');
const SERVER = { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' };
const pair = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const system = { ...pair(), kid: 'moderato/system/20261207-0a0b0c0d' };
const login = { ...pair(), kid: 'moderato/server1/20261207-01020304' };

/** An RS256 token assembled by hand with the system key: any header and claims. */
function handMade(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part(header)}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), system.privateKey).toString('base64url')}`;
}

describe('the stand-in answers POST /end-meeting as muc_end_meeting', () => {
  let keyServer: Server;
  let rs: RunningDevJitsi;
  let hs: RunningDevJitsi;
  const clock = new FixedClock(NOW);
  const iat = Math.floor(NOW.getTime() / 1000);
  const claims = { iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: 'maths-7b', iat, exp: iat + 60 };

  beforeAll(async () => {
    keyServer = createServer((req, res) => {
      const keys: Record<string, string> = {
        [`/asap/system/${kidHash(system.kid)}.pem`]: system.publicKey,
        [`/asap/server-1/${kidHash(login.kid)}.pem`]: login.publicKey,
      };
      const pem = keys[req.url ?? ''];
      if (pem) res.writeHead(200).end(pem);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    const moderato = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
    const host: JitsiHostSettings = { domain: 'meet.jitsi', appId: 'moderato', mucDomain: 'conference.meet.jitsi', systemKeyServer: `${moderato}/asap/system` };
    rs = await startDevJitsi({ settings: { ...host, asapKeyServer: `${moderato}/asap/server-1` }, clock });
    hs = await startDevJitsi({ settings: { ...host, appSecret: 'an-hs256-secret-of-the-host-0123456789' }, clock });
  });
  afterAll(async () => {
    await rs?.close();
    await hs?.close();
    await new Promise<void>((resolve) => keyServer.close(() => resolve()));
  });

  const call = (jitsi: RunningDevJitsi, token: string | null, conference: string | null = 'maths-7b@conference.meet.jitsi') =>
    fetch(`${jitsi.url}/end-meeting${conference === null ? '' : `?conference=${encodeURIComponent(conference)}`}`, {
      method: 'POST',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    }).then((res) => res.status);

  it('200 and the room is empty for a system token; 404 once the room is gone; 400 without conference', async () => {
    const { token: member } = await mintRoomToken({
      server: SERVER,
      signingKey: { alg: 'RS256', kid: login.kid, privateKeyPem: login.privateKey },
      room: 'maths-7b',
      user: { id: 'u-1', name: 'Pia Pupil', email: 'pia@school.test' },
      affiliation: 'member',
      window: { notAfter: new Date(NOW.getTime() + 3600_000) },
      now: NOW,
      maxTtlSeconds: 1800,
    });
    expect(await landOnStandIn(`${rs.url}/maths-7b?jwt=${member}`)).toMatchObject({ verdict: 'joined' });
    const { token } = await mintSystemToken({ server: SERVER, key: { kid: system.kid, privateKeyPem: system.privateKey }, room: 'maths-7b', now: NOW });
    expect(await call(rs, token, null)).toBe(400);
    expect(await call(rs, token, 'maths-7b@muc.meet.jitsi')).toBe(404); // another MUC domain
    expect(await call(rs, token, 'Maths-7B@conference.meet.jitsi')).toBe(404); // room names are lower-case
    expect(await call(rs, token)).toBe(200);
    expect(rs.rooms().has('maths-7b')).toBe(false);
    expect(await call(rs, token)).toBe(404);
    // The login token of the same person: its key is not at the system key URL.
    expect(await call(rs, member)).toBe(401);
  });

  it.each([
    ['no token', null],
    ['not Bearer', 'Basic abc'],
    ['no kid', handMade({ alg: 'RS256', typ: 'JWT' }, claims)],
    ['no typ', handMade({ alg: 'RS256', kid: system.kid }, claims)],
    ['expired', handMade({ alg: 'RS256', typ: 'JWT', kid: system.kid }, { ...claims, exp: iat })],
    ['another issuer', handMade({ alg: 'RS256', typ: 'JWT', kid: system.kid }, { ...claims, iss: 'other' })],
    ['no aud', handMade({ alg: 'RS256', typ: 'JWT', kid: system.kid }, { ...claims, aud: undefined })],
    ['no room', handMade({ alg: 'RS256', typ: 'JWT', kid: system.kid }, { ...claims, room: undefined })],
    ['no sub', handMade({ alg: 'RS256', typ: 'JWT', kid: system.kid }, { ...claims, sub: undefined })],
  ])('401: %s', async (_, token) => {
    const status = token?.startsWith('Basic ')
      ? await fetch(`${rs.url}/end-meeting?conference=x%40conference.meet.jitsi`, { method: 'POST', headers: { Authorization: token } }).then(
          (res) => res.status,
        )
      : await call(rs, token);
    expect(status).toBe(401);
  });

  it('aud, room and sub are only required, not checked', async () => {
    const token = handMade({ alg: 'RS256', typ: 'JWT', kid: system.kid }, { ...claims, aud: 'anything', room: '*', sub: 'elsewhere' });
    expect(await call(rs, token, 'nobody-here@conference.meet.jitsi')).toBe(404);
  });

  it('an HS256 host refuses every system token: RS256 (not its algorithm) and HS256 alike', async () => {
    const { token } = await mintSystemToken({ server: SERVER, key: { kid: system.kid, privateKeyPem: system.privateKey }, room: 'maths-7b', now: NOW });
    expect(await call(hs, token, 'nobody-here@conference.meet.jitsi')).toBe(401);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'HS256', typ: 'JWT', kid: system.kid })}.${part(claims)}`;
    const hmac = `${input}.${createHmac('sha256', 'an-hs256-secret-of-the-host-0123456789').update(input).digest('base64url')}`;
    expect(await call(hs, hmac, 'nobody-here@conference.meet.jitsi')).toBe(401);
  });
});
