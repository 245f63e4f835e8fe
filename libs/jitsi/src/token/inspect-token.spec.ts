import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { inspectToken } from './inspect-token';
import { mintRoomToken } from './mint-room-token';

const SECRET = 'a-shared-secret-of-at-least-32-bytes-long';
const NOW = new Date('2026-11-30T08:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const server = { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' };
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs = (header: object, payload: object, secret = SECRET) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: 'moderato',
  aud: 'jitsi',
  sub: 'meet.jitsi',
  room: 'maths-7b',
  nbf: now - 30,
  exp: now + 600,
  context: { user: { id: '1', name: 'Sam', email: 'sam@school.test', moderator: false, affiliation: 'member' } },
  ...overrides,
});
const good = { alg: 'HS256', typ: 'JWT' };
const inspect = (token: string) => inspectToken(token, { server, key: { alg: 'HS256', secret: SECRET }, now: NOW, allowedAlgs: ['HS256'] });
const rules = async (token: string) => (await inspect(token)).problems.map((problem) => problem.rule);

describe('inspectToken', () => {
  it('finds nothing wrong with a token Moderato minted, and verifies its signature', async () => {
    const { token } = await mintRoomToken({
      server,
      signingKey: { alg: 'HS256', secret: SECRET },
      room: 'maths-7b',
      user: { id: '1', name: 'Sam', email: 'sam@school.test' },
      affiliation: 'member',
      window: { notAfter: new Date(NOW.getTime() + 3600_000) },
      now: NOW,
      maxTtlSeconds: 600,
    });
    const result = await inspect(token);
    expect(result).toMatchObject({ wellFormed: true, signature: 'valid', problems: [] });
    expect(result.payload?.room).toBe('maths-7b');
  });

  it.each<[string, string, ReturnType<typeof hs>]>([
    ['a missing typ', 'header.typ', hs({ alg: 'HS256' }, claims())],
    ['a wrong aud', 'claim.aud', hs(good, claims({ aud: 'other' }))],
    ['an aud list', 'claim.aud', hs(good, claims({ aud: ['jitsi'] }))],
    ['a missing aud', 'claim.aud', hs(good, claims({ aud: undefined }))],
    ['an expired exp', 'claim.exp.expired', hs(good, claims({ exp: now - 1 }))],
    ['exp exactly now (no leeway)', 'claim.exp.expired', hs(good, claims({ exp: now }))],
    ['a missing exp', 'claim.exp.missing', hs(good, claims({ exp: undefined }))],
    ['a string nbf', 'claim.nbf.type', hs(good, claims({ nbf: String(now) }))],
    ['an nbf in the future', 'claim.nbf.future', hs(good, claims({ nbf: now + 60 }))],
    ['a wrong iss', 'claim.iss', hs(good, claims({ iss: 'someone' }))],
    ['the public host as sub', 'claim.sub', hs(good, claims({ sub: 'meet.school.test' }))],
    ['a wildcard room', 'claim.room.wildcard', hs(good, claims({ room: '*' }))],
    ['an upper-case room', 'claim.room.case', hs(good, claims({ room: 'Maths-7B' }))],
    ['a missing room', 'claim.room', hs(good, claims({ room: undefined }))],
    ['a missing context.user', 'claim.context.user', hs(good, claims({ context: {} }))],
    ['a string moderator flag', 'claim.context.user.moderator', hs(good, claims({ context: { user: { id: '1', name: 'x', email: 'x', moderator: 'true', affiliation: 'member' } } }))],
    ['an unknown affiliation', 'claim.context.user.affiliation', hs(good, claims({ context: { user: { id: '1', name: 'x', email: 'x', moderator: true, affiliation: 'teacher-ish' } } }))],
    ['non-boolean features', 'claim.context.features', hs(good, claims({ context: { user: { id: '1', name: 'x', email: 'x', moderator: true, affiliation: 'owner' }, features: { recording: 'yes' } } }))],
    ['another secret', 'signature', hs(good, claims(), `${SECRET}-other`)],
  ])('flags %s (%s)', async (_name, rule, token) => {
    expect(await rules(token)).toContain(rule);
  });

  it.each([
    ['none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['ES256', `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(claims())}.c2ln`],
    ['EdDSA', `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(claims())}.c2ln`],
  ])('flags alg %s, which Jitsi does not support', async (_alg, token) => {
    const result = await inspect(token);
    expect(result.problems.map((p) => p.rule)).toContain('header.alg');
    expect(result.signature).toBe('invalid');
  });

  it('shows the signature as valid even when the token has expired', async () => {
    const result = await inspect(hs(good, claims({ exp: now - 3600 })));
    expect(result.signature).toBe('valid');
    expect(result.expiresAt).toEqual(new Date((now - 3600) * 1000));
  });

  it('checks RS256 tokens against the published keys by kid', async () => {
    const sign = (header: object) => {
      const input = `${b64(header)}.${b64(claims())}`;
      return `${input}.${createSign('RSA-SHA256').update(input).sign(rsa.privateKey).toString('base64url')}`;
    };
    const key = { alg: 'RS256' as const, publicKeys: [{ kid: 'k1', publicKeyPem: rsa.publicKey }] };
    const ok = await inspectToken(sign({ alg: 'RS256', typ: 'JWT', kid: 'k1' }), { server, key, now: NOW, allowedAlgs: ['RS256'] });
    expect(ok).toMatchObject({ signature: 'valid', problems: [] });
    const unknown = await inspectToken(sign({ alg: 'RS256', typ: 'JWT', kid: 'k2' }), { server, key, now: NOW });
    expect(unknown.signature).toBe('unknown-kid');
    const noKid = await inspectToken(sign({ alg: 'RS256', typ: 'JWT' }), { server, key, now: NOW });
    expect(noKid.problems.map((p) => p.rule)).toContain('header.kid');
    const wrongMode = await inspectToken(sign({ alg: 'RS256', typ: 'JWT', kid: 'k1' }), { server, now: NOW, allowedAlgs: ['HS256'] });
    expect(wrongMode.problems.map((p) => p.rule)).toContain('header.alg.server');
  });

  it.each(['', 'hello', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.not-json.x', `${b64([1, 2])}.${b64(claims())}.x`])('does not throw on garbage: %p', async (token) => {
    const result = await inspect(token);
    expect(result.wellFormed).toBe(false);
    expect(result.problems[0].rule).toBe('format');
  });

  it('without a server, checks only the general rules', async () => {
    const result = await inspectToken(hs(good, claims({ aud: 'anything', iss: 'other' })), { now: NOW });
    expect(result.problems).toEqual([]);
    expect(result.signature).toBe('not-checked');
  });
});
