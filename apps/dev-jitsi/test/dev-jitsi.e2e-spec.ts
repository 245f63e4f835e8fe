import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kidHash, mintRoomToken, type SigningKey } from '@moderato/jitsi';
import { judgeToken, publicKeyUrl, startDevJitsi, type JitsiHostSettings, type RunningDevJitsi } from '@moderato/dev-jitsi';
import { FixedClock } from '@moderato/core';
import { landOnStandIn } from '../../api/test/signed-in';

// The development Jitsi stand-in judges tokens as Prosody's token plugins do. Tokens here are
// minted by Moderato's own minter (the ones real joins carry) or assembled by hand (broken ones).

const SECRET = 'dev-jitsi-test-secret-0123456789-abcdef';
const NOW = Math.floor(Date.parse('2026-12-07T08:00:00Z') / 1000);
const SERVER = { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' };
const HS: JitsiHostSettings = { domain: 'meet.jitsi', appId: 'moderato', appSecret: SECRET };
const user = { id: 'u-1', name: 'Pia Pupil', email: 'pia@school.test' };

const mint = async (signingKey: SigningKey, overrides: { room?: string; affiliation?: 'owner' | 'moderator' | 'member'; server?: typeof SERVER } = {}) =>
  (
    await mintRoomToken({
      server: overrides.server ?? SERVER,
      signingKey,
      room: overrides.room ?? 'maths-7b',
      user,
      affiliation: overrides.affiliation ?? 'member',
      window: { notAfter: new Date((NOW + 3600) * 1000) },
      now: new Date(NOW * 1000),
      maxTtlSeconds: 1800,
    })
  ).token;

/** An HS256 token assembled by hand: any header and claims, signed with `secret`. */
function handMade(header: Record<string, unknown>, claims: Record<string, unknown>, secret = SECRET): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part(header)}.${part(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const goodClaims = { iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: 'maths-7b', nbf: NOW - 30, exp: NOW + 600, context: { user } };

describe('judgeToken (HS256): what Prosody lets in', () => {
  it.each([
    ['owner', 'owner', 'owner'],
    ['moderator', 'moderator', 'owner'],
    ['member', 'member', 'member'],
  ] as const)('a minted %s token joins with affiliation %s (MUC %s)', async (affiliation, shown, muc) => {
    const judgement = await judgeToken(await mint({ alg: 'HS256', secret: SECRET }, { affiliation }), 'maths-7b', HS, { now: NOW });
    expect(judgement).toMatchObject({ verdict: 'joined', room: 'maths-7b', affiliation: shown, mucAffiliation: muc, user: { email: 'pia@school.test' } });
  });

  it.each([
    ['no token', null, 'token required'],
    ['two parts', 'abc.def', 'Invalid token'],
    ['no typ', handMade({ alg: 'HS256' }, goodClaims), 'Invalid typ'],
    ['RS256 on an HS server', handMade({ alg: 'RS256', typ: 'JWT' }, goodClaims), 'Invalid or incorrect alg'],
    ['another secret', handMade({ alg: 'HS256', typ: 'JWT' }, goodClaims, `${SECRET}x`), 'Invalid signature'],
    ['exp as a string', handMade({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, exp: String(NOW + 600) }), 'exp must be number'],
    ['expired exactly now (no leeway)', handMade({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, exp: NOW }), 'Not acceptable by exp (0 sec since expired)'],
    ['not yet valid', handMade({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, nbf: NOW + 1 }), 'Not acceptable by nbf'],
    ['no iss', handMade({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, iss: undefined }), "'iss' claim is missing"],
    ['another iss', handMade({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, iss: 'other' }), "Invalid issuer ('iss' claim)"],
    ['no room', handMade({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, room: undefined }), "'room' claim is missing"],
    ['no aud', handMade({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, aud: undefined }), "'aud' claim is missing"],
  ])('refuses %s', async (_what, token, reason) => {
    expect(await judgeToken(token, 'maths-7b', HS, { now: NOW })).toEqual({ verdict: 'refused', room: 'maths-7b', condition: 'not-allowed', reason });
  });

  it('refuses the audience when the host accepts only others', async () => {
    const judgement = await judgeToken(await mint({ alg: 'HS256', secret: SECRET }), 'maths-7b', { ...HS, acceptedAudiences: ['meet'] }, { now: NOW });
    expect(judgement).toMatchObject({ verdict: 'refused', reason: "Invalid audience ('aud' claim)" });
  });

  it('refuses a token for another room, and one whose sub is not the XMPP domain', async () => {
    const token = await mint({ alg: 'HS256', secret: SECRET });
    expect(await judgeToken(token, 'history-9a', HS, { now: NOW })).toMatchObject({
      verdict: 'refused',
      reason: expect.stringContaining("the token is for room 'maths-7b'"),
    });
    const public_host = await mint({ alg: 'HS256', secret: SECRET }, { server: { ...SERVER, xmppDomain: 'meet.school.org' } });
    expect(await judgeToken(public_host, 'maths-7b', HS, { now: NOW })).toMatchObject({
      verdict: 'refused',
      reason: expect.stringContaining("'sub' is 'meet.school.org'"),
    });
  });

  it('compares rooms as Jitsi does: the URL room lower-cased', async () => {
    expect(await judgeToken(await mint({ alg: 'HS256', secret: SECRET }), 'Maths-7B', HS, { now: NOW })).toMatchObject({ verdict: 'joined', room: 'maths-7b' });
  });
});

describe('judgeToken (RS256): the key fetched from the ASAP key server as Prosody builds its URL', () => {
  const rsa = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const kid = 'moderato/abcd1234/20261207-00ff00ff';
  let keyServer: Server;
  let base: string;
  const requested: string[] = [];

  beforeAll(async () => {
    keyServer = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url === `/asap/server-1/${kidHash(kid)}.pem`) res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(rsa.publicKey);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/asap/server-1`;
  });
  afterAll(() => new Promise<void>((resolve) => keyServer.close(() => resolve())));

  it('lets a minted RS256 token in after fetching <key server>/<sha256 hex of kid>.pem', async () => {
    const token = await mint({ alg: 'RS256', kid, privateKeyPem: rsa.privateKey }, { affiliation: 'owner' });
    const judgement = await judgeToken(token, 'maths-7b', { domain: 'meet.jitsi', appId: 'moderato', asapKeyServer: base }, { now: NOW });
    expect(judgement).toMatchObject({ verdict: 'joined', affiliation: 'owner' });
    expect(requested).toContain(`/asap/server-1/${kidHash(kid)}.pem`);
    expect(publicKeyUrl(base, kid)).toBe(`${base}/${kidHash(kid)}.pem`);
  });

  it("refuses an HS256 token on an RS256 server with Prosody's words (no kid)", async () => {
    const judgement = await judgeToken(
      await mint({ alg: 'HS256', secret: SECRET }),
      'maths-7b',
      { domain: 'meet.jitsi', appId: 'moderato', asapKeyServer: base },
      { now: NOW },
    );
    expect(judgement).toMatchObject({ verdict: 'refused', reason: "'kid' claim is missing" });
  });

  it('refuses a kid the key server does not know, and a token signed by another key', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const host = { domain: 'meet.jitsi', appId: 'moderato', asapKeyServer: base };
    expect(await judgeToken(await mint({ alg: 'RS256', kid: 'unknown', privateKeyPem: rsa.privateKey }), 'maths-7b', host, { now: NOW })).toMatchObject({
      reason: 'could not obtain public key',
    });
    const forged = await mint({ alg: 'RS256', kid, privateKeyPem: other.privateKey });
    expect(await judgeToken(forged, 'maths-7b', host, { now: NOW })).toMatchObject({ verdict: 'refused', reason: 'Invalid signature' });
    // Sanity: the forged token's signature is a real RS256 signature, just by the other key.
    const [h, p, s] = forged.split('.');
    expect(sign('sha256', Buffer.from(`${h}.${p}`), other.privateKey).toString('base64url')).toBe(s);
  });
});

describe('the stand-in over HTTP', () => {
  let jitsi: RunningDevJitsi;
  beforeAll(async () => {
    jitsi = await startDevJitsi({ settings: HS, clock: new FixedClock(new Date(NOW * 1000)) });
  });
  afterAll(() => jitsi.close());

  const open = (token: string | null, room = 'maths-7b') => landOnStandIn(`${jitsi.url}/${room}${token ? `?jwt=${token}` : ''}`);

  it('shows the person in the room with their role and who else is there; Leave takes them out', async () => {
    const teacher = await mintRoomToken({
      server: SERVER,
      signingKey: { alg: 'HS256', secret: SECRET },
      room: 'maths-7b',
      user: { id: 'u-t', name: 'Tom Teacher', email: 'teacher@school.test' },
      affiliation: 'owner',
      window: { notAfter: new Date((NOW + 3600) * 1000) },
      now: new Date(NOW * 1000),
      maxTtlSeconds: 1800,
    });
    const first = await open(teacher.token);
    expect(first).toMatchObject({ status: 200, verdict: 'joined', room: 'maths-7b', affiliation: 'owner' });
    expect(first.html).toContain('as organizer');

    const pupil = await open(await mint({ alg: 'HS256', secret: SECRET }));
    expect(pupil).toMatchObject({ verdict: 'joined', affiliation: 'member' });
    expect(pupil.html).toContain('as participant');
    expect(pupil.html).toContain('Tom Teacher');
    expect(pupil.html).toContain('no moderator rights');
    expect(
      jitsi
        .rooms()
        .get('maths-7b')
        ?.map((occupant) => occupant.email),
    ).toEqual(['teacher@school.test', 'pia@school.test']);

    // Reloading the page is the same person, not a second occupant.
    await open(await mint({ alg: 'HS256', secret: SECRET }));
    expect(jitsi.rooms().get('maths-7b')).toHaveLength(2);

    const occupant = /name="occupant" value="([^"]+)"/.exec(pupil.html)![1];
    const left = await fetch(`${jitsi.url}/maths-7b/leave`, { method: 'POST', body: new URLSearchParams({ occupant }) });
    expect(await left.text()).toContain('data-verdict="left"');
    expect(
      jitsi
        .rooms()
        .get('maths-7b')
        ?.map((o) => o.email),
    ).toEqual(['teacher@school.test']);
    const rooms = (await (await fetch(`${jitsi.url}/api/rooms`)).json()) as Record<string, { email: string }[]>;
    expect(rooms['maths-7b'].map((o) => o.email)).toEqual(['teacher@school.test']);
  });

  it('shows what the token lets the person do (context.features), as Jitsi reads it', async () => {
    const minted = await mintRoomToken({
      server: SERVER,
      signingKey: { alg: 'HS256', secret: SECRET },
      room: 'art-5c',
      user: { id: 'u-p', name: 'Pia Pupil', email: 'pia@school.test' },
      affiliation: 'member',
      window: { notAfter: new Date((NOW + 3600) * 1000) },
      now: new Date(NOW * 1000),
      maxTtlSeconds: 1800,
      features: { 'screen-sharing': false, recording: false, transcription: true },
    });
    const pupil = await open(minted.token, 'art-5c');
    expect(pupil).toMatchObject({ verdict: 'joined', affiliation: 'member' });
    expect(pupil.html).toContain('<li data-feature="screen-sharing" data-allowed="false">screen-sharing: not allowed</li>');
    expect(pupil.html).toContain('<li data-feature="transcription" data-allowed="true">transcription: allowed</li>');
    const without = await open(await mint({ alg: 'HS256', secret: SECRET }, { room: 'art-5c' }), 'art-5c');
    expect(without.html).toContain('data-features="none">The token has no context.features');
  });

  it("refuses without a token and with a wrong one, saying what Prosody's log would", async () => {
    expect(await open(null)).toMatchObject({ status: 403, verdict: 'refused', reason: 'token required' });
    const wrongRoom = await open(await mint({ alg: 'HS256', secret: SECRET }), 'history-9a');
    expect(wrongRoom).toMatchObject({ status: 403, verdict: 'refused', room: 'history-9a' });
    expect(wrongRoom.html).toContain('Authentication failed');
  });

  it('serves config.js with the XMPP domain, as the doctor expects of a Jitsi deployment', async () => {
    const text = await (await fetch(`${jitsi.url}/config.js`)).text();
    expect(text).toContain("domain: 'meet.jitsi'");
  });

  it('refuses to start in production', async () => {
    await expect(startDevJitsi({ settings: HS, production: true })).rejects.toThrow(/must not run in production/);
  });
});
