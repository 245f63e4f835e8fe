import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, importSPKI } from 'jose';
import { inspectToken, TokenRefused } from '../token';
import {
  EXPECTED_OUTCOMES,
  INTEROP_OUTCOMES,
  INTEROP_TEST_SECONDS,
  interopRoomName,
  interopSettingsFingerprint,
  interopStatusOf,
  isInteropRoom,
  mintInteropLinks,
  type InteropLinksInput,
} from './interop-plan';

const SECRET = 'interop-test-secret-0123456789-abcdefgh';
const NOW = new Date('2026-12-02T10:00:00.400Z');
const EXPIRES = new Date(NOW.getTime() + INTEROP_TEST_SECONDS * 1000);
const server = { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi', baseUrl: 'https://meet.school.test' };
const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown> & { context: { user: Record<string, unknown> } };

describe('interop test rooms', () => {
  it('are marked as tests, unguessable and different each time', () => {
    const names = new Set(Array.from({ length: 200 }, () => interopRoomName()));
    expect(names.size).toBe(200);
    for (const name of names) {
      expect(name).toMatch(/^moderato-test-[a-z2-9]{16}$/);
      expect(isInteropRoom(name)).toBe(true);
    }
  });

  it('can never be the room of a meeting ("<slug>-<12 characters>")', () => {
    for (const meetingRoom of ['moderato-test-abcdefghjkmn', 'moderato-test-abcdefghijkm-abcdefghjkmn', 'math-7b-abcdefghjkmn', 'meeting-abcdefghjkmn']) {
      expect(isInteropRoom(meetingRoom)).toBe(false);
    }
  });
});

describe('interopSettingsFingerprint', () => {
  const settings = { baseUrl: 'https://meet.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'RS256' };
  it('is stable, and changes with every setting that goes into the tokens and with the signing key', () => {
    const base = interopSettingsFingerprint(settings, 'kid-1');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(interopSettingsFingerprint({ ...settings }, 'kid-1')).toBe(base);
    expect(interopSettingsFingerprint(settings, 'kid-2')).not.toBe(base);
    for (const key of Object.keys(settings)) {
      expect(interopSettingsFingerprint({ ...settings, [key]: `${settings[key as keyof typeof settings]}x` }, 'kid-1')).not.toBe(base);
    }
  });
});

describe('interopStatusOf', () => {
  it('is verified only when every link behaved as it must', () => {
    expect(interopStatusOf(EXPECTED_OUTCOMES)).toBe('verified');
    for (const [kind, outcomes] of Object.entries(INTEROP_OUTCOMES)) {
      for (const outcome of outcomes.slice(1)) expect(interopStatusOf({ ...EXPECTED_OUTCOMES, [kind]: outcome })).toBe('problems');
    }
  });
});

describe.each([
  ['HS256', { alg: 'HS256' as const, secret: SECRET }],
  [
    'RS256',
    (() => {
      const pair = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      return { alg: 'RS256' as const, kid: 'moderato/test/1', privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
    })(),
  ],
])('mintInteropLinks, %s', (alg, key) => {
  const room = interopRoomName();
  const otherRoom = interopRoomName();
  const input = (overrides: Partial<InteropLinksInput> = {}): InteropLinksInput => ({
    server,
    signingKey: key,
    room,
    otherRoom,
    expiresAt: EXPIRES,
    now: NOW,
    maxTtlSeconds: 7200,
    organizer: { id: '7a1e2f34-0000-4000-8000-000000000001', email: 'admin@school.test' },
    ...overrides,
  });
  const verificationKey = () =>
    key.alg === 'HS256'
      ? { alg: 'HS256' as const, secret: SECRET }
      : { alg: 'RS256' as const, publicKeys: [{ kid: key.kid, publicKeyPem: (key as { publicKeyPem: string }).publicKeyPem }] };

  it('four links, in order, all opening the test room', async () => {
    const links = await mintInteropLinks(input());
    expect(links.map((link) => link.kind)).toEqual(['organizer', 'participant', 'noToken', 'wrongRoom']);
    for (const link of links) expect(link.url.startsWith(`https://meet.school.test/${room}`)).toBe(true);
  });

  it('organizer: an owner token for the test room; participant: a member token for it', async () => {
    const [organizer, participant] = await mintInteropLinks(input());
    const owner = decode(organizer.token!);
    expect(owner).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room });
    expect(owner.context.user).toMatchObject({ id: '7a1e2f34-0000-4000-8000-000000000001', email: 'admin@school.test', moderator: true, affiliation: 'owner' });
    const member = decode(participant.token!);
    expect(member).toMatchObject({ room });
    expect(member.context.user).toMatchObject({ moderator: false, affiliation: 'member' });
    expect(member.context.user.id).not.toBe(owner.context.user.id);
    expect(organizer.url).toBe(
      `https://meet.school.test/${room}?jwt=${organizer.token}#userInfo.displayName=${encodeURIComponent('"Moderato test: organizer"')}`,
    );
  });

  it('no token: the plain room URL, nothing else', async () => {
    const noToken = (await mintInteropLinks(input()))[2];
    expect(noToken).toEqual({ kind: 'noToken', url: `https://meet.school.test/${room}`, room });
  });

  it("wrong room: a valid member token for another room, on the test room's URL", async () => {
    const wrong = (await mintInteropLinks(input()))[3];
    const claims = decode(wrong.token!);
    expect(claims.room).toBe(otherRoom);
    expect(claims.room).not.toBe(room);
    expect(claims.context.user).toMatchObject({ moderator: false, affiliation: 'member' });
    expect(wrong.url.startsWith(`https://meet.school.test/${room}?jwt=${wrong.token}`)).toBe(true);
  });

  it('every token is valid from 30 s before now until the end of the 15-minute window, not a second longer', async () => {
    const links = (await mintInteropLinks(input())).filter((link) => link.token);
    expect(links).toHaveLength(3);
    for (const link of links) {
      const claims = decode(link.token!);
      expect(claims.nbf).toBe(Math.floor(NOW.getTime() / 1000) - 30);
      expect(claims.exp).toBe(Math.floor(EXPIRES.getTime() / 1000));
      expect((claims.exp as number) - (claims.iat as number)).toBe(INTEROP_TEST_SECONDS);
      expect(link.expiresAt).toEqual(new Date(Math.floor(EXPIRES.getTime() / 1000) * 1000));
      const options = { server, key: verificationKey(), allowedAlgs: [alg] };
      expect(await inspectToken(link.token!, { ...options, now: new Date(EXPIRES.getTime() - 2000) })).toMatchObject({ signature: 'valid', problems: [] });
      const after = await inspectToken(link.token!, { ...options, now: EXPIRES });
      expect(after.problems.map((problem) => problem.rule)).toEqual(['claim.exp.expired']);
    }
  });

  it('minted later in the window, the tokens still end with the window', async () => {
    const later = new Date(NOW.getTime() + 10 * 60_000);
    for (const link of (await mintInteropLinks(input({ now: later }))).filter((l) => l.token)) {
      expect(decode(link.token!).exp).toBe(Math.floor(EXPIRES.getTime() / 1000));
    }
  });

  it('a shorter server maximum TTL shortens the tokens further', async () => {
    const [organizer] = await mintInteropLinks(input({ maxTtlSeconds: 300 }));
    expect(decode(organizer.token!).exp).toBe(Math.floor(NOW.getTime() / 1000) + 300);
  });

  it('no tokens once the window is over', async () => {
    await expect(mintInteropLinks(input({ now: EXPIRES }))).rejects.toBeInstanceOf(TokenRefused);
  });

  it("signatures verify with the server's key (what Prosody checks)", async () => {
    const [organizer] = await mintInteropLinks(input());
    const verifyWith = key.alg === 'HS256' ? new TextEncoder().encode(SECRET) : await importSPKI((key as { publicKeyPem: string }).publicKeyPem, 'RS256');
    await expect(compactVerify(organizer.token!, verifyWith, { algorithms: [alg] })).resolves.toBeTruthy();
  });
});
