import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, importSPKI } from 'jose';
import { mintRoomToken, TokenRefused, type MintRoomTokenInput, type SigningKey } from './mint-room-token';

// One test per token rule (docs/jitsi-tokens.md), on tokens actually minted, for HS256 and RS256. The tokens are
// decoded with plain base64url + JSON (as Prosody's JWT library does), not with the code under test.

const rsaKeyPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const rsa = rsaKeyPair();
const otherRsa = rsaKeyPair();
const SECRET = 'moderato-test-secret-0123456789-abcdef'; // 38 bytes
const KID = 'moderato/3f2a9c1e/20261130-ab12cd34';
// 07:55:00.750 — not on a whole second, so flooring is visible.
const NOW = new Date('2026-11-30T07:55:00.750Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

const SERVER = { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' };

function decode(token: string) {
  const parts = token.split('.');
  const text = (part: string) => Buffer.from(part, 'base64url').toString('utf8');
  return {
    parts,
    headerJson: text(parts[0]),
    payloadJson: text(parts[1]),
    header: JSON.parse(text(parts[0])) as Record<string, unknown>,
    payload: JSON.parse(text(parts[1])) as Record<string, unknown> & { context: { user: Record<string, unknown>; features?: unknown } },
  };
}

const KEYS: [string, SigningKey][] = [
  ['HS256', { alg: 'HS256', secret: SECRET }],
  ['RS256', { alg: 'RS256', kid: KID, privateKeyPem: rsa.privateKey }],
];

describe.each(KEYS)('mintRoomToken, %s', (alg, signingKey) => {
  const input = (overrides: Partial<MintRoomTokenInput> = {}): MintRoomTokenInput => ({
    server: SERVER,
    signingKey,
    room: 'math-7b-x1',
    user: { id: '5f0c1b2a-7d3e-4c55-9a1b-2c3d4e5f6a7b', name: 'Ada Teacher', email: 'ada@school.test', avatarUrl: 'https://school.test/ada.png' },
    affiliation: 'owner',
    window: { notAfter: new Date(NOW.getTime() + 2 * 3600_000) },
    now: NOW,
    maxTtlSeconds: 3600,
    ...overrides,
  });
  const mint = async (overrides: Partial<MintRoomTokenInput> = {}) => decode((await mintRoomToken(input(overrides))).token);
  const refusal = (overrides: Partial<MintRoomTokenInput>) =>
    mintRoomToken(input(overrides)).then(
      () => undefined,
      (error: unknown) => error,
    );

  // ---- header
  it('header: "typ" is exactly "JWT"', async () => {
    const { header, headerJson } = await mint();
    expect(header.typ).toBe('JWT');
    expect(headerJson).toContain('"typ":"JWT"');
  });

  it(`header: "alg" is the server's, ${alg}`, async () => {
    expect((await mint()).header.alg).toBe(alg);
  });

  it(alg === 'RS256' ? 'header: carries the kid of the signing key' : 'header: no kid (shared secret), nothing else', async () => {
    const { header } = await mint();
    expect(header).toEqual(alg === 'RS256' ? { alg: 'RS256', typ: 'JWT', kid: KID } : { alg: 'HS256', typ: 'JWT' });
  });

  // ---- iss, aud, sub
  it("iss is the server's app id", async () => {
    expect((await mint()).payload.iss).toBe('moderato');
  });

  it('aud is present and a single string, the configured audience', async () => {
    const { payload, payloadJson } = await mint({ server: { ...SERVER, audience: 'jitsi-school' } });
    expect(payload.aud).toBe('jitsi-school');
    expect(payloadJson).toContain('"aud":"jitsi-school"');
  });

  it('sub is the XMPP domain, not the public host name', async () => {
    expect((await mint()).payload.sub).toBe('meet.jitsi');
  });

  // ---- room
  it('room is the room name in lower case', async () => {
    expect((await mint({ room: 'Math-7B-x1' })).payload.room).toBe('math-7b-x1');
  });

  it('room: a 128-character name is fine', async () => {
    expect((await mint({ room: 'a'.repeat(128) })).payload.room).toBe('a'.repeat(128));
  });

  it('room: never a wildcard', async () => {
    for (const room of ['*', 'math*', '*-7b']) {
      const error = await refusal({ room });
      expect(error).toBeInstanceOf(TokenRefused);
      expect(error).toMatchObject({ rule: 'claim.room.wildcard' });
    }
  });

  it.each([
    ['empty', '', 'claim.room.missing'],
    ['a space', 'math 7b', 'claim.room.characters'],
    ['an underscore', 'math_7b', 'claim.room.characters'],
    ['a slash', 'math/7b', 'claim.room.characters'],
    ['surrounding blanks', ' math-7b ', 'claim.room.characters'],
    ['an umlaut', 'mathe-übung', 'claim.room.characters'],
    ['a Kelvin sign that lower-cases to k', 'math-\u212A1', 'claim.room.characters'],
    ['129 characters', 'a'.repeat(129), 'claim.room.length'],
  ])('room: refuses a name with %s', async (_what, room, rule) => {
    const error = await refusal({ room });
    expect(error).toBeInstanceOf(TokenRefused);
    expect(error).toMatchObject({ rule });
  });

  // ---- nbf, exp
  it('nbf is a JSON number, 30 s before now (Jitsi has no clock leeway)', async () => {
    const { payload, payloadJson } = await mint();
    expect(payload.nbf).toBe(NOW_S - 30);
    expect(payloadJson).toMatch(new RegExp(`"nbf":${NOW_S - 30}[,}]`));
  });

  it('exp is a JSON number: now + max TTL when the meeting window ends later', async () => {
    const { payload, payloadJson } = await mint();
    expect(payload.exp).toBe(NOW_S + 3600);
    expect(payloadJson).toMatch(new RegExp(`"exp":${NOW_S + 3600}[,}]`));
  });

  it('exp is the end of the meeting window when that comes first', async () => {
    const end = new Date('2026-11-30T08:10:00.900Z');
    const minted = await mintRoomToken(input({ window: { notAfter: end } }));
    expect(decode(minted.token).payload.exp).toBe(Math.floor(end.getTime() / 1000));
    expect(minted.expiresAt).toEqual(new Date('2026-11-30T08:10:00Z'));
  });

  it.each([
    ['ended an hour ago', new Date(NOW.getTime() - 3600_000)],
    ['ends now', NOW],
    ['ends later in this same second', new Date('2026-11-30T07:55:00.999Z')],
  ])('exp: no token once the meeting window is over (window %s)', async (_when, notAfter) => {
    const error = await refusal({ window: { notAfter } });
    expect(error).toBeInstanceOf(TokenRefused);
    expect(error).toMatchObject({ rule: 'claim.exp.expired' });
  });

  it('iat, nbf and exp are all JSON numbers, in seconds', async () => {
    const { payload } = await mint();
    for (const claim of ['iat', 'nbf', 'exp']) {
      expect(Number.isInteger(payload[claim])).toBe(true);
      expect(payload[claim] as number).toBeLessThan(100_000_000_000);
    }
  });

  // ---- context.user
  it.each([
    ['owner', true],
    ['moderator', true],
    ['member', false],
  ] as const)('context.user for %s: id, name, email, avatar, moderator %s, affiliation', async (affiliation, moderator) => {
    const { payload } = await mint({ affiliation });
    expect(payload.context.user).toStrictEqual({
      id: '5f0c1b2a-7d3e-4c55-9a1b-2c3d4e5f6a7b',
      name: 'Ada Teacher',
      email: 'ada@school.test',
      avatar: 'https://school.test/ada.png',
      moderator,
      affiliation,
    });
  });

  it('context.user: no avatar without an avatar URL, and every value is a scalar', async () => {
    for (const avatarUrl of [null, undefined, '']) {
      const { user } = (await mint({ user: { id: 'u-1', name: 'Sam Pupil', email: 'sam@school.test', avatarUrl }, affiliation: 'member' })).payload.context;
      expect(user).not.toHaveProperty('avatar');
      for (const value of Object.values(user)) expect(['string', 'boolean']).toContain(typeof value);
    }
  });

  it('context.user.name: the name Jitsi shows, on one line without control characters', async () => {
    const { user } = (await mint({ user: { id: 'u-2', name: 'Sam\r\nPupil\u0000\u001b\u0085 ', email: 'sam@school.test' }, affiliation: 'member' })).payload
      .context;
    expect(user.name).toBe('Sam Pupil');
  });

  // ---- context.features, lobby_bypass
  it('context.features: absent unless features are given', async () => {
    expect((await mint()).payload.context).not.toHaveProperty('features');
    expect((await mint({ features: {} })).payload.context).not.toHaveProperty('features');
    expect((await mint({ features: { recording: undefined } })).payload.context).not.toHaveProperty('features');
  });

  it('context.features: exactly the given features, as booleans (false kept: it denies)', async () => {
    const { context } = (await mint({ features: { recording: false, 'screen-sharing': true, livestreaming: undefined } })).payload;
    expect(context.features).toStrictEqual({ recording: false, 'screen-sharing': true });
  });

  it('context.user.lobby_bypass: only when given, as a boolean', async () => {
    expect((await mint()).payload.context.user).not.toHaveProperty('lobby_bypass');
    expect((await mint({ lobbyBypass: true })).payload.context.user.lobby_bypass).toBe(true);
    expect((await mint({ lobbyBypass: false })).payload.context.user.lobby_bypass).toBe(false);
  });

  // ---- the result describes the token
  it('returns exactly the header and claims that are in the token, and exp as expiresAt', async () => {
    const minted = await mintRoomToken(input());
    const { header, payload } = decode(minted.token);
    expect(minted.header).toStrictEqual(header);
    expect(minted.claims).toStrictEqual(payload);
    expect(minted.expiresAt.getTime()).toBe((payload.exp as number) * 1000);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'context', 'exp', 'iat', 'iss', 'nbf', 'room', 'sub']);
  });

  // ---- signature
  it(`signature verifies with the server's ${alg === 'HS256' ? 'secret' : 'SPKI public key'}, and not with another`, async () => {
    const { token } = await mintRoomToken(input());
    const [rightKey, wrongKey] =
      alg === 'HS256'
        ? [new TextEncoder().encode(SECRET), new TextEncoder().encode(`${SECRET}-not`)]
        : [await importSPKI(rsa.publicKey, 'RS256'), await importSPKI(otherRsa.publicKey, 'RS256')];
    const verified = await compactVerify(token, rightKey, { algorithms: [alg] });
    expect(verified.protectedHeader.alg).toBe(alg);
    await expect(compactVerify(token, wrongKey, { algorithms: [alg] })).rejects.toThrow(/signature verification failed/);
  });

  // ---- server settings
  it.each([
    ['no app id', { ...SERVER, appId: '' }, 'claim.iss.missing'],
    ['no audience', { ...SERVER, audience: ' ' }, 'claim.aud.missing'],
    ['no XMPP domain', { ...SERVER, xmppDomain: '' }, 'claim.sub.missing'],
  ])('refuses a server with %s', async (_what, server, rule) => {
    const error = await refusal({ server });
    expect(error).toBeInstanceOf(TokenRefused);
    expect(error).toMatchObject({ rule });
  });
});

describe('mintRoomToken refuses what it cannot sign right', () => {
  const base: MintRoomTokenInput = {
    server: SERVER,
    signingKey: { alg: 'HS256', secret: SECRET },
    room: 'math-7b-x1',
    user: { id: 'u-1', name: 'Sam Pupil', email: 'sam@school.test' },
    affiliation: 'member',
    window: { notAfter: new Date(NOW.getTime() + 3600_000) },
    now: NOW,
    maxTtlSeconds: 600,
  };
  const refusal = (overrides: Record<string, unknown>) =>
    mintRoomToken({ ...base, ...overrides } as MintRoomTokenInput).then(
      () => undefined,
      (error: unknown) => error,
    );

  it('HS256: a secret of 32 bytes is enough; 31 bytes, a short multi-byte one, or none is refused', async () => {
    await expect(mintRoomToken({ ...base, signingKey: { alg: 'HS256', secret: 'x'.repeat(32) } })).resolves.toHaveProperty('token');
    expect(await refusal({ signingKey: { alg: 'HS256', secret: 'x'.repeat(31) } })).toMatchObject({
      rule: 'key.secret',
      message: expect.stringContaining('31 bytes'),
    });
    await expect(mintRoomToken({ ...base, signingKey: { alg: 'HS256', secret: 'ü'.repeat(16) } })).resolves.toHaveProperty('token'); // 32 bytes
    expect(await refusal({ signingKey: { alg: 'HS256', secret: 'ü'.repeat(15) } })).toMatchObject({ rule: 'key.secret' });
    expect(await refusal({ signingKey: { alg: 'HS256', secret: '' } })).toMatchObject({
      rule: 'key.secret',
      message: expect.stringContaining('no HS256 secret'),
    });
  });

  it('RS256: needs a kid', async () => {
    expect(await refusal({ signingKey: { alg: 'RS256', kid: '', privateKeyPem: rsa.privateKey } })).toMatchObject({ rule: 'header.kid' });
  });

  it('RS256: a broken or too small private key is a refusal, not a crash', async () => {
    const small = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(await refusal({ signingKey: { alg: 'RS256', kid: KID, privateKeyPem: 'not a pem' } })).toMatchObject({
      rule: 'key.private',
      message: expect.stringContaining(KID),
    });
    expect(await refusal({ signingKey: { alg: 'RS256', kid: KID, privateKeyPem: small.privateKey } })).toMatchObject({
      rule: 'key.private',
      message: expect.stringContaining('2048'),
    });
  });

  it('an algorithm other than HS256/RS256 is refused', async () => {
    expect(await refusal({ signingKey: { alg: 'ES256', secret: SECRET } })).toMatchObject({ rule: 'header.alg' });
  });

  it('a maximum TTL under 1 s, or not a number, is refused (it would mint a token valid for nothing, or without exp)', async () => {
    for (const maxTtlSeconds of [0, -60, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(await refusal({ maxTtlSeconds })).toMatchObject({ rule: 'input.max-ttl' });
    }
  });

  it('invalid dates are refused', async () => {
    expect(await refusal({ now: new Date('nonsense') })).toMatchObject({ rule: 'input.date' });
    expect(await refusal({ window: { notAfter: new Date(Number.NaN) } })).toMatchObject({ rule: 'input.date' });
  });

  it('a user without id, an unknown affiliation, non-boolean features or lobby_bypass are refused', async () => {
    expect(await refusal({ user: { ...base.user, id: '' } })).toMatchObject({ rule: 'claim.context.user.id' });
    expect(await refusal({ affiliation: 'teacher' })).toMatchObject({ rule: 'claim.context.user.affiliation' });
    expect(await refusal({ features: { recording: 'yes' } })).toMatchObject({ rule: 'claim.context.features' });
    expect(await refusal({ lobbyBypass: 'true' })).toMatchObject({ rule: 'claim.context.user.lobby_bypass' });
  });

  it('TokenRefused is an Error with the rule id and a readable message', async () => {
    const error = await refusal({ room: '*' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TokenRefused', rule: 'claim.room.wildcard', message: expect.stringContaining('one room') });
  });
});
