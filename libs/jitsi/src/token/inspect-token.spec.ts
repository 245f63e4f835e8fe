import { constants, createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { inspectToken, type InspectTokenOptions, type VerificationKey } from './inspect-token';
import { mintRoomToken } from './mint-room-token';
import { TOKEN_RULES } from './token-rules';

// The bad tokens are built by hand (base64url JSON + node:crypto signatures), so these tests do
// not depend on the minter; only the "a minted token inspects clean" tests use it.

const SECRET = 'moderato-test-secret-0123456789-abcdef';
const NOW = new Date('2026-11-30T08:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const server = { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' };
const rsaKeyPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const rsa = rsaKeyPair();
const otherRsa = rsaKeyPair();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const signingInput = (header: object, payload: object) => `${b64(header)}.${b64(payload)}`;
const hs = (header: object, payload: object, secret = SECRET, hash = 'sha256') => {
  const input = signingInput(header, payload);
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
};
const rs = (header: object, payload: object, privateKey: string = rsa.privateKey) => {
  const input = signingInput(header, payload);
  return `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};
const signedWith = (header: object, payload: object, key: Parameters<typeof cryptoSign>[2], hash: string | null = 'sha256') => {
  const input = signingInput(header, payload);
  return `${input}.${cryptoSign(hash, Buffer.from(input), key).toString('base64url')}`;
};

const user = { id: '5f0c1b2a', name: 'Sam Pupil', email: 'sam@school.test', moderator: false, affiliation: 'member' };
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: 'moderato',
  aud: 'jitsi',
  sub: 'meet.jitsi',
  room: 'math-7b-x1',
  iat: now - 60,
  nbf: now - 90,
  exp: now + 600,
  context: { user },
  ...overrides,
});
const without = (claim: string) => {
  const payload: Record<string, unknown> = claims();
  delete payload[claim];
  return payload;
};
const withUser = (changes: Record<string, unknown>) => claims({ context: { user: { ...user, ...changes } } });
const HS = { alg: 'HS256', typ: 'JWT' };
const RS = (kid = 'k-2026') => ({ alg: 'RS256', typ: 'JWT', kid });

const hsOptions: InspectTokenOptions = { server, key: { alg: 'HS256', secret: SECRET }, now: NOW, allowedAlgs: ['HS256'] };
const rsKey: VerificationKey = {
  alg: 'RS256',
  publicKeys: [
    { kid: 'k-2025', publicKeyPem: otherRsa.publicKey },
    { kid: 'k-2026', publicKeyPem: rsa.publicKey },
  ],
};
const rsOptions: InspectTokenOptions = { server, key: rsKey, now: NOW, allowedAlgs: ['RS256'] };
const rulesOf = (inspection: { problems: { rule: string }[] }) => inspection.problems.map((problem) => problem.rule);

/** [what is wrong, the rules the inspector must report (exactly), the token, the server it is checked against]. */
const CASES: [string, string[], string, InspectTokenOptions?][] = [
  ['no "typ" in the header', ['header.typ'], hs({ alg: 'HS256' }, claims())],
  ['"typ": "jwt" in lower case', ['header.typ'], hs({ alg: 'HS256', typ: 'jwt' }, claims())],
  ['"alg": "none" (unsigned)', ['header.alg'], `${signingInput({ alg: 'none', typ: 'JWT' }, claims())}.`],
  ['ES256', ['header.alg'], signedWith({ alg: 'ES256', typ: 'JWT' }, claims(), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })],
  [
    'PS256',
    ['header.alg'],
    signedWith({ alg: 'PS256', typ: 'JWT' }, claims(), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  ],
  ['EdDSA', ['header.alg'], signedWith({ alg: 'EdDSA', typ: 'JWT' }, claims(), ed.privateKey, null)],
  ['no "alg"', ['header.alg'], hs({ typ: 'JWT' }, claims())],
  ['HS384 (right secret) for an HS256 server', ['header.alg.server'], hs({ alg: 'HS384', typ: 'JWT' }, claims(), SECRET, 'sha384')],
  ['an RS256 token without kid', ['header.kid', 'signature.kid'], rs({ alg: 'RS256', typ: 'JWT' }, claims()), rsOptions],
  ['no "iss"', ['claim.iss.missing'], hs(HS, without('iss'))],
  ['a number as "iss"', ['claim.iss.type'], hs(HS, claims({ iss: 42 }))],
  ['another app id as "iss"', ['claim.iss'], hs(HS, claims({ iss: 'someone-else' }))],
  ['no "aud"', ['claim.aud.missing'], hs(HS, without('aud'))],
  ['a list as "aud"', ['claim.aud.type'], hs(HS, claims({ aud: ['jitsi'] }))],
  ['a wrong "aud"', ['claim.aud'], hs(HS, claims({ aud: 'other-audience' }))],
  ['no "sub"', ['claim.sub.missing'], hs(HS, without('sub'))],
  ['a list as "sub"', ['claim.sub.type'], hs(HS, claims({ sub: ['meet.jitsi'] }))],
  ['the public host name as "sub"', ['claim.sub'], hs(HS, claims({ sub: 'meet.school.test' }))],
  ['no "room"', ['claim.room.missing'], hs(HS, without('room'))],
  ['null as "room"', ['claim.room.type'], hs(HS, claims({ room: null }))],
  ['a wildcard room', ['claim.room.wildcard'], hs(HS, claims({ room: '*' }))],
  ['an upper-case room', ['claim.room.case'], hs(HS, claims({ room: 'Math-7B-x1' }))],
  ['a room with a space', ['claim.room.characters'], hs(HS, claims({ room: 'math 7b' }))],
  ['a room of 129 characters', ['claim.room.length'], hs(HS, claims({ room: 'a'.repeat(129) }))],
  ['a string "nbf"', ['claim.nbf.type'], hs(HS, claims({ nbf: String(now - 90) }))],
  ['"nbf" a minute in the future', ['claim.nbf.future'], hs(HS, claims({ nbf: now + 60 }))],
  ['no "exp"', ['claim.exp.missing'], hs(HS, without('exp'))],
  ['a string "exp"', ['claim.exp.type'], hs(HS, claims({ exp: String(now + 600) }))],
  ['an "exp" a second ago', ['claim.exp.expired'], hs(HS, claims({ exp: now - 1 }))],
  ['an "exp" of exactly now (no leeway)', ['claim.exp.expired'], hs(HS, claims({ exp: now }))],
  ['"exp" in milliseconds', ['claim.exp.milliseconds'], hs(HS, claims({ exp: (now + 600) * 1000 }))],
  ['no context.user', ['claim.context.user.missing'], hs(HS, claims({ context: {} }))],
  ['an object in context.user', ['claim.context.user.scalar'], hs(HS, withUser({ name: { first: 'Sam' } }))],
  ['"true" (a string) as moderator', ['claim.context.user.moderator'], hs(HS, withUser({ moderator: 'true', affiliation: 'owner' }))],
  ['affiliation "teacher"', ['claim.context.user.affiliation'], hs(HS, withUser({ moderator: true, affiliation: 'teacher' }))],
  ['moderator: true for a member', ['claim.context.user.consistency'], hs(HS, withUser({ moderator: true, affiliation: 'member' }))],
  ['a string lobby_bypass', ['claim.context.user.lobby_bypass'], hs(HS, withUser({ lobby_bypass: 'yes' }))],
  ['"yes" as a feature value', ['claim.context.features'], hs(HS, claims({ context: { user, features: { recording: 'yes', 'screen-sharing': true } } }))],
  ['a signature made with another secret', ['signature'], hs(HS, claims(), `${SECRET}-other`)],
  ['an RS256 kid the server does not publish', ['signature.kid'], rs(RS('k-2024'), claims()), rsOptions],
];

describe('inspectToken', () => {
  const mintOptions = (signingKey: Parameters<typeof mintRoomToken>[0]['signingKey']) => ({
    server,
    signingKey,
    room: 'Math-7B-x1',
    user: { id: '5f0c1b2a', name: 'Ada Teacher', email: 'ada@school.test' },
    affiliation: 'owner' as const,
    window: { notAfter: new Date(NOW.getTime() + 3600_000) },
    now: NOW,
    maxTtlSeconds: 1800,
  });

  it('a token Moderato minted (HS256) has no problem and a valid signature', async () => {
    const { token } = await mintRoomToken(mintOptions({ alg: 'HS256', secret: SECRET }));
    const result = await inspectToken(token, hsOptions);
    expect(result).toMatchObject({ wellFormed: true, signature: 'valid', problems: [] });
    expect(result.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(result.payload).toMatchObject({ room: 'math-7b-x1', aud: 'jitsi' });
    expect(result.expiresAt).toEqual(new Date(NOW.getTime() + 1800_000));
    expect(result.notBefore).toEqual(new Date(NOW.getTime() - 30_000));
  });

  it('a token Moderato minted (RS256) has no problem and verifies with the key published under its kid', async () => {
    const { token } = await mintRoomToken(mintOptions({ alg: 'RS256', kid: 'k-2026', privateKeyPem: rsa.privateKey }));
    expect(await inspectToken(token, rsOptions)).toMatchObject({ wellFormed: true, signature: 'valid', problems: [] });
  });

  it('a correct hand-made token has no problem', async () => {
    expect(await inspectToken(hs(HS, claims()), hsOptions)).toMatchObject({ wellFormed: true, signature: 'valid', problems: [] });
  });

  it.each(CASES)('flags %s: %p', async (_what, rules, token, options = hsOptions) => {
    const result = await inspectToken(token, options);
    expect(result.wellFormed).toBe(true);
    expect(rulesOf(result)).toEqual(rules);
    for (const problem of result.problems) expect(problem.message.length).toBeGreaterThan(40);
  });

  it('has a test case for every rule in TOKEN_RULES', () => {
    const tested = new Set(['format', ...CASES.flatMap(([, rules]) => rules)]);
    expect([...tested].sort()).toEqual(Object.keys(TOKEN_RULES).sort());
  });

  it("messages say what to fix, with the server's values", async () => {
    const message = async (token: string, options = hsOptions) => (await inspectToken(token, options)).problems[0].message;
    expect(await message(hs({ alg: 'HS256' }, claims()))).toMatch(/"typ": "JWT"/);
    expect(await message(hs(HS, claims({ aud: 'other-audience' })))).toMatch(/"other-audience".*"jitsi"/);
    expect(await message(hs(HS, claims({ sub: 'meet.school.test' })))).toMatch(/"meet\.jitsi".*not the public host name/);
    expect(await message(hs(HS, claims({ room: '*' })))).toMatch(/wildcard room token for a person/);
    expect(await message(hs(HS, claims({ room: 'Math-7B-x1' })))).toContain('"math-7b-x1"');
    expect(await message(hs(HS, without('exp')))).toMatch(/never expiring/);
    expect(await message(hs(HS, claims({ exp: now - 3600 })))).toMatch(/2026-11-30T07:00:00\.000Z, 3600 s ago/);
    expect(await message(hs(HS, claims({ nbf: String(now) })))).toMatch(/not a JSON number/);
    expect(await message(`${signingInput({ alg: 'none', typ: 'JWT' }, claims())}.`)).toMatch(/unsigned/);
  });

  it('quotes the lines Jitsi writes to its log, as Jitsi writes them', async () => {
    const message = async (token: string, options = hsOptions) => (await inspectToken(token, options)).problems[0].message;
    expect(await message(hs(HS, claims({ aud: 'other-audience' })))).toContain(`"Invalid audience ('aud' claim)"`);
    expect(await message(hs(HS, claims({ aud: ['jitsi'] })))).toContain(`"Invalid audience ('aud' claim)"`);
    expect(await message(hs(HS, claims({ iss: 'someone-else' })))).toContain(`"Invalid issuer ('iss' claim)"`);
    expect(await message(hs(HS, claims({ iss: 42 })))).toContain(`"Invalid issuer ('iss' claim)"`);
    expect(await message(hs(HS, without('iss')))).toContain(`"'iss' claim is missing"`);
    expect(await message(hs(HS, without('aud')))).toContain(`"'aud' claim is missing"`);
    expect(await message(rs({ alg: 'RS256', typ: 'JWT' }, claims()), rsOptions)).toContain(`"'kid' claim is missing"`);
  });

  describe('signature', () => {
    it('is still checked when the token has expired: "valid", with the expiry reported separately', async () => {
      const result = await inspectToken(hs(HS, claims({ exp: now - 3600, nbf: now - 7200 })), hsOptions);
      expect(result.signature).toBe('valid');
      expect(rulesOf(result)).toEqual(['claim.exp.expired']);
      expect(result.expiresAt).toEqual(new Date(NOW.getTime() - 3600_000));
    });

    it('"invalid" with another secret', async () => {
      expect((await inspectToken(hs(HS, claims()), { ...hsOptions, key: { alg: 'HS256', secret: 'another-secret-0123456789-abcdefgh' } })).signature).toBe(
        'invalid',
      );
    });

    it('"invalid" for alg none, ES256 and EdDSA, and not checked without a key', async () => {
      for (const [, , token] of CASES.filter(([, rules]) => rules[0] === 'header.alg')) {
        expect((await inspectToken(token, hsOptions)).signature).toBe('invalid');
        expect((await inspectToken(token, { server, now: NOW })).signature).toBe('not-checked');
      }
    });

    it('"unknown-kid" for an RS256 token whose kid the server does not publish', async () => {
      const result = await inspectToken(rs(RS('k-2024'), claims()), rsOptions);
      expect(result.signature).toBe('unknown-kid');
      expect(result.problems[0].message).toContain('"k-2024"');
    });

    it('"invalid" for an RS256 token signed with another private key under a published kid', async () => {
      const result = await inspectToken(rs(RS('k-2026'), claims(), otherRsa.privateKey), rsOptions);
      expect(result.signature).toBe('invalid');
      expect(rulesOf(result)).toEqual(['signature']);
    });

    it('checks each published key by its kid (an older key still verifies its tokens)', async () => {
      expect((await inspectToken(rs(RS('k-2025'), claims(), otherRsa.privateKey), rsOptions)).signature).toBe('valid');
    });

    it('"invalid" when the algorithm family is not the server\'s; the problem is the alg', async () => {
      const hsOnRs = await inspectToken(hs(HS, claims()), rsOptions);
      expect(hsOnRs.signature).toBe('invalid');
      // Prosody with a key server looks for the kid first: that is the line in its log.
      expect(rulesOf(hsOnRs)).toEqual(['header.alg.server', 'header.kid']);
      expect(hsOnRs.problems[1].message).toContain(`"'kid' claim is missing"`);
      const rsOnHs = await inspectToken(rs(RS(), claims()), hsOptions);
      expect(rsOnHs.signature).toBe('invalid');
      expect(rulesOf(rsOnHs)).toEqual(['header.alg.server']);
    });

    it("takes the server's algorithm from the key when allowedAlgs is not given", async () => {
      const result = await inspectToken(hs({ alg: 'HS512', typ: 'JWT' }, claims(), SECRET, 'sha512'), {
        server,
        key: { alg: 'HS256', secret: SECRET },
        now: NOW,
      });
      expect(result.signature).toBe('valid');
      expect(rulesOf(result)).toEqual(['header.alg.server']);
    });
  });

  describe('other checks', () => {
    it('moderator: false for an owner is flagged (Jitsi makes them moderator anyway)', async () => {
      expect(rulesOf(await inspectToken(hs(HS, withUser({ moderator: false, affiliation: 'owner' })), hsOptions))).toEqual(['claim.context.user.consistency']);
    });

    it('a "*" sub is accepted (Jitsi allows it)', async () => {
      expect(rulesOf(await inspectToken(hs(HS, claims({ sub: '*' })), hsOptions))).toEqual([]);
    });

    it('without a server, checks only the general rules', async () => {
      const result = await inspectToken(hs(HS, claims({ aud: 'anything', iss: 'other', sub: 'other.domain' })), { now: NOW });
      expect(result.problems).toEqual([]);
      expect(result.signature).toBe('not-checked');
    });

    it('reports several broken rules of one token, each once', async () => {
      const result = await inspectToken(hs({ alg: 'HS256' }, claims({ aud: ['jitsi'], room: 'Math 7B', exp: now - 5 })), hsOptions);
      expect(rulesOf(result)).toEqual(['header.typ', 'claim.aud.type', 'claim.room.case', 'claim.room.characters', 'claim.exp.expired']);
    });

    it('tolerates line breaks and blanks pasted into the token', async () => {
      const token = hs(HS, claims());
      const pasted = `  ${token.slice(0, 40)}\n${token.slice(40, 90)}\r\n ${token.slice(90)}\n`;
      expect(await inspectToken(pasted, hsOptions)).toMatchObject({ wellFormed: true, signature: 'valid', problems: [] });
    });
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'hello'],
    ['three parts that are not base64url JSON', 'a.b.c'],
    ['two parts', `${b64(HS)}.${b64(claims())}`],
    ['four parts', `${hs(HS, claims())}.extra`],
    ['a header that is not JSON', `${Buffer.from('{"alg":').toString('base64url')}.${b64(claims())}.sig`],
    ['a header that is a JSON list', `${b64(['HS256'])}.${b64(claims())}.sig`],
    ['a payload that is JSON null', `${b64(HS)}.${b64(null)}.sig`],
    ['padded base64', `${b64(HS)}==.${b64(claims())}.sig`],
    ['a URL instead of a token', 'https://meet.school.test/math-7b-x1'],
    ['not a string', undefined as unknown as string],
  ])('does not throw on garbage (%s): not well-formed, one "format" problem', async (_what, token) => {
    const result = await inspectToken(token, hsOptions);
    expect(result).toMatchObject({ wellFormed: false, signature: 'not-checked' });
    expect(rulesOf(result)).toEqual(['format']);
    expect(result.problems[0].message).toMatch(/^This is not a JWT/);
  });
});
