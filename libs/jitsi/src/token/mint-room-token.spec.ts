import { createHmac, createPublicKey, generateKeyPairSync, createVerify } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { mintRoomToken, TokenRefused, type MintRoomTokenInput, type SigningKey } from './mint-room-token';

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const SECRET = 'a-shared-secret-of-at-least-32-bytes-long';
const NOW = new Date('2026-11-30T07:55:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

/** Decodes without the code under test: base64url + JSON, as Prosody's JWT library does. */
function decode(token: string) {
  const [header, payload, signature] = token.split('.');
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(header), payload: json(payload), signature, raw: { header, payload } };
}

const KEYS: [string, SigningKey][] = [
  ['HS256', { alg: 'HS256', secret: SECRET }],
  ['RS256', { alg: 'RS256', kid: 'moderato/test/20261130-ab12', privateKeyPem: privateKey }],
];

describe.each(KEYS)('mintRoomToken with %s', (alg, signingKey) => {
  const input = (overrides: Partial<MintRoomTokenInput> = {}): MintRoomTokenInput => ({
    server: { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' },
    signingKey,
    room: 'maths-7b-k3x9q2',
    user: { id: '5f0c1b2a', name: 'Ada Teacher', email: 'ada@school.test', avatarUrl: 'https://school.test/ada.png' },
    affiliation: 'owner',
    window: { notAfter: new Date(NOW.getTime() + 2 * 3600_000) },
    now: NOW,
    maxTtlSeconds: 3600,
    ...overrides,
  });
  const mint = async (overrides: Partial<MintRoomTokenInput> = {}) => decode((await mintRoomToken(input(overrides))).token);

  it('header has "typ": "JWT" exactly', async () => {
    expect((await mint()).header.typ).toBe('JWT');
  });

  it(`header alg is the server's (${alg})`, async () => {
    expect((await mint()).header.alg).toBe(alg);
  });

  it(alg === 'RS256' ? 'header carries the kid' : 'header has no kid', async () => {
    const { header } = await mint();
    if (alg === 'RS256') expect(header.kid).toBe('moderato/test/20261130-ab12');
    else expect(header.kid).toBeUndefined();
  });

  it('iss is the app id', async () => {
    expect((await mint()).payload.iss).toBe('moderato');
  });

  it('aud is present and a single string', async () => {
    const { payload } = await mint();
    expect(payload.aud).toBe('jitsi');
    expect(typeof payload.aud).toBe('string');
  });

  it('sub is the XMPP domain', async () => {
    expect((await mint()).payload.sub).toBe('meet.jitsi');
  });

  it('room is present, in lower case', async () => {
    expect((await mint({ room: 'Maths-7B-K3X9Q2' })).payload.room).toBe('maths-7b-k3x9q2');
  });

  it('never mints a wildcard room, nor a room name Jitsi would mangle', async () => {
    await expect(mintRoomToken(input({ room: '*' }))).rejects.toMatchObject({ rule: 'claim.room.wildcard' });
    await expect(mintRoomToken(input({ room: 'maths 7b' }))).rejects.toBeInstanceOf(TokenRefused);
    await expect(mintRoomToken(input({ room: 'x'.repeat(129) }))).rejects.toBeInstanceOf(TokenRefused);
    await expect(mintRoomToken(input({ room: '' }))).rejects.toBeInstanceOf(TokenRefused);
  });

  it('nbf is a JSON number 30 s in the past (Jitsi has no clock leeway)', async () => {
    const { payload, raw } = await mint();
    expect(typeof payload.nbf).toBe('number');
    expect(payload.nbf).toBe(nowSeconds - 30);
    expect(Buffer.from(raw.payload, 'base64url').toString()).toMatch(/"nbf":\d+/);
  });

  it('exp is a JSON number: now + max TTL when the meeting window ends later', async () => {
    const { payload } = await mint();
    expect(typeof payload.exp).toBe('number');
    expect(payload.exp).toBe(nowSeconds + 3600);
  });

  it('exp is the end of the meeting window when that comes first', async () => {
    const end = new Date(NOW.getTime() + 20 * 60_000);
    expect((await mint({ window: { notAfter: end } })).payload.exp).toBe(Math.floor(end.getTime() / 1000));
  });

  it('refuses a token once the window is over', async () => {
    await expect(mintRoomToken(input({ window: { notAfter: NOW } }))).rejects.toMatchObject({ rule: 'claim.exp' });
  });

  it.each([
    ['owner', true],
    ['moderator', true],
    ['member', false],
  ] as const)('context.user for affiliation %s: moderator %s', async (affiliation, moderator) => {
    const { payload } = await mint({ affiliation });
    expect((payload.context as { user: unknown }).user).toEqual({
      id: '5f0c1b2a',
      name: 'Ada Teacher',
      email: 'ada@school.test',
      avatar: 'https://school.test/ada.png',
      moderator,
      affiliation,
    });
  });

  it('context.user values are scalars, and the avatar is left out when there is none', async () => {
    const user = ((await mint({ user: { id: 'u', name: 'N', email: 'n@school.test', avatarUrl: null } })).payload.context as { user: Record<string, unknown> }).user;
    expect(user.avatar).toBeUndefined();
    for (const value of Object.values(user)) expect(['string', 'boolean']).toContain(typeof value);
  });

  it('context.features is absent unless a policy sets features, then booleans only', async () => {
    expect((await mint()).payload.context).not.toHaveProperty('features');
    expect((await mint({ features: {} })).payload.context).not.toHaveProperty('features');
    const context = (await mint({ features: { recording: false, 'screen-sharing': true } })).payload.context as Record<string, unknown>;
    expect(context.features).toEqual({ recording: false, 'screen-sharing': true });
  });

  it('lobby_bypass only when asked for', async () => {
    expect(((await mint()).payload.context as { user: object }).user).not.toHaveProperty('lobby_bypass');
    expect(((await mint({ lobbyBypass: true })).payload.context as { user: object }).user).toHaveProperty('lobby_bypass', true);
  });

  it('the signature verifies with the server key, and not with another', async () => {
    const { token } = await mintRoomToken(input());
    const [h, p, s] = token.split('.');
    if (alg === 'HS256') {
      expect(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url')).toBe(s);
      expect(createHmac('sha256', `${SECRET}x`).update(`${h}.${p}`).digest('base64url')).not.toBe(s);
    } else {
      const verify = (pem: string) => createVerify('RSA-SHA256').update(`${h}.${p}`).verify(createPublicKey(pem), Buffer.from(s, 'base64url'));
      expect(verify(publicKey)).toBe(true);
      expect(verify(other.publicKey)).toBe(false);
      // and as a standard JWT library sees it
      await expect(jwtVerify(token, await importSPKI(publicKey, 'RS256'), { currentDate: NOW })).resolves.toBeDefined();
    }
  });

  it('refuses servers with missing claims values', async () => {
    await expect(mintRoomToken(input({ server: { appId: '', audience: 'jitsi', xmppDomain: 'meet.jitsi' } }))).rejects.toMatchObject({ rule: 'claim.iss' });
    await expect(mintRoomToken(input({ server: { appId: 'm', audience: ' ', xmppDomain: 'meet.jitsi' } }))).rejects.toMatchObject({ rule: 'claim.aud' });
    await expect(mintRoomToken(input({ server: { appId: 'm', audience: 'jitsi', xmppDomain: '' } }))).rejects.toMatchObject({ rule: 'claim.sub' });
  });
});

describe('mintRoomToken key checks', () => {
  const base = {
    server: { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' },
    room: 'r',
    user: { id: 'u', name: 'N', email: 'n@school.test' },
    affiliation: 'member' as const,
    window: { notAfter: new Date(NOW.getTime() + 3600_000) },
    now: NOW,
    maxTtlSeconds: 600,
  };
  it('refuses a weak HS256 secret', async () => {
    await expect(mintRoomToken({ ...base, signingKey: { alg: 'HS256', secret: 'short' } })).rejects.toMatchObject({ rule: 'key.secret' });
  });
  it('refuses RS256 without a kid', async () => {
    await expect(mintRoomToken({ ...base, signingKey: { alg: 'RS256', kid: '', privateKeyPem: privateKey } })).rejects.toMatchObject({ rule: 'header.kid' });
  });
});
