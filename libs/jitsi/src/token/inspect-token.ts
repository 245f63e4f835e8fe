import { compactVerify, importSPKI } from 'jose';
import { ROOM_NAME, type TokenServer } from './mint-room-token';

export interface TokenProblem {
  /** Stable id of the TOKENS.md rule, e.g. `header.typ`, `claim.aud`, `claim.exp.expired`. */
  rule: string;
  /** What Jitsi does with such a token, and how to fix it. */
  message: string;
}

export type VerificationKey =
  | { alg: 'HS256'; secret: string }
  | { alg: 'RS256'; publicKeys: { kid: string; publicKeyPem: string }[] };

export interface TokenInspection {
  wellFormed: boolean;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  signature: 'valid' | 'invalid' | 'not-checked' | 'unknown-kid';
  problems: TokenProblem[];
  expiresAt?: Date;
  notBefore?: Date;
}

const JITSI_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'];

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/** The TOKENS.md rules on a decoded token; one problem per broken rule. */
export function checkTokenRules(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  options: { server?: TokenServer; now: Date; allowedAlgs?: string[] },
): TokenProblem[] {
  const problems: TokenProblem[] = [];
  const add = (rule: string, message: string) => problems.push({ rule, message });
  const now = Math.floor(options.now.getTime() / 1000);

  if (header.typ !== 'JWT') add('header.typ', `The header must contain "typ": "JWT" exactly (found ${JSON.stringify(header.typ)}); Jitsi rejects the token otherwise.`);
  const alg = header.alg;
  if (typeof alg !== 'string' || !JITSI_ALGS.includes(alg)) {
    add('header.alg', `Jitsi accepts only HS256/384/512 and RS256/384/512; this token uses ${JSON.stringify(alg)}.`);
  } else if (options.allowedAlgs && !options.allowedAlgs.includes(alg)) {
    add('header.alg.server', `The server is set up for ${options.allowedAlgs.join('/')}, but the token uses ${alg}.`);
  }
  if (typeof alg === 'string' && alg.startsWith('RS') && (typeof header.kid !== 'string' || header.kid === '')) {
    add('header.kid', 'An RS* token needs a "kid": Prosody fetches the public key by it from the ASAP key server.');
  }

  const server = options.server;
  if (typeof payload.iss !== 'string') add('claim.iss', 'The "iss" claim is missing; it must be the app id (JWT_APP_ID).');
  else if (server && payload.iss !== server.appId) add('claim.iss', `"iss" is "${payload.iss}", but the server's app id (JWT_APP_ID) is "${server.appId}".`);

  if (payload.aud === undefined) add('claim.aud', 'The "aud" claim is missing; Jitsi rejects tokens without one even when any audience is accepted.');
  else if (typeof payload.aud !== 'string') add('claim.aud', '"aud" must be a single string, not a list.');
  else if (server && payload.aud !== server.audience) add('claim.aud', `"aud" is "${payload.aud}", but the server accepts "${server.audience}" (JWT_ACCEPTED_AUDIENCES).`);

  if (typeof payload.sub !== 'string' || payload.sub === '') add('claim.sub', 'The "sub" claim must be a string: the XMPP domain (meet.jitsi in docker), the tenant, or "*".');
  else if (server && payload.sub !== server.xmppDomain && payload.sub !== '*') {
    add('claim.sub', `"sub" is "${payload.sub}", but the server's XMPP domain is "${server.xmppDomain}" (not the public host name).`);
  }

  const room = payload.room;
  if (typeof room !== 'string' || room === '') add('claim.room', 'The "room" claim must be present: the room name as a string.');
  else if (room === '*') add('claim.room.wildcard', 'A wildcard room ("*") lets a person into every room; Moderato never mints one for a person.');
  else if (room !== room.toLowerCase()) add('claim.room.case', `"room" must be lower case ("${room.toLowerCase()}"): Jitsi lower-cases room names, so this token matches no room.`);
  else if (!ROOM_NAME.test(room)) add('claim.room.characters', 'Keep room names to a-z, 0-9 and -, at most 128 characters, so URL, MUC and claim agree.');

  if (payload.nbf !== undefined && typeof payload.nbf !== 'number') add('claim.nbf.type', '"nbf" must be a JSON number (seconds), not a string.');
  else if (typeof payload.nbf === 'number' && now < payload.nbf) add('claim.nbf.future', `Not valid yet: "nbf" is ${payload.nbf - now} s in the future and Jitsi allows no clock leeway. Check the clocks.`);

  if (payload.exp === undefined) add('claim.exp.missing', 'No "exp": Jitsi treats such a token as never expiring.');
  else if (typeof payload.exp !== 'number') add('claim.exp.type', '"exp" must be a JSON number (seconds), not a string.');
  else if (now >= payload.exp) add('claim.exp.expired', `Expired ${now - payload.exp} s ago; Jitsi refuses a token once now ≥ exp (no leeway).`);

  const context = payload.context;
  const user = isObject(context) ? context.user : undefined;
  if (!isObject(user)) {
    add('claim.context.user', 'context.user is missing: it names the person (id, name, email) and their affiliation.');
  } else {
    for (const [key, value] of Object.entries(user)) {
      if (value !== null && typeof value === 'object') add('claim.context.user.scalar', `context.user.${key} must be a plain value; Jitsi turns values into strings.`);
    }
    if (user.moderator !== undefined && typeof user.moderator !== 'boolean') add('claim.context.user.moderator', 'context.user.moderator must be true or false.');
    if (user.affiliation !== undefined && !['owner', 'moderator', 'member'].includes(user.affiliation as string)) {
      add('claim.context.user.affiliation', `context.user.affiliation must be owner, moderator or member (found ${JSON.stringify(user.affiliation)}).`);
    }
  }
  if (isObject(context) && context.features !== undefined) {
    if (!isObject(context.features) || Object.values(context.features).some((value) => typeof value !== 'boolean')) {
      add('claim.context.features', 'context.features must map feature names to true/false; anything not true is denied, even to moderators.');
    }
  }
  return problems;
}

/**
 * The token inspector: decodes a token, checks every TOKENS.md rule, and verifies the signature
 * against a server's key separately (so an expired token still shows whether it was signed right).
 */
export async function inspectToken(
  token: string,
  options: { server?: TokenServer; key?: VerificationKey; now: Date; allowedAlgs?: string[] },
): Promise<TokenInspection> {
  const parts = token.trim().split('.');
  const header = parts.length === 3 ? decodePart(parts[0]) : undefined;
  const payload = parts.length === 3 ? decodePart(parts[1]) : undefined;
  if (!header || !payload) {
    return {
      wellFormed: false,
      header,
      payload,
      signature: 'not-checked',
      problems: [{ rule: 'format', message: 'Not a JWT: expected three base64url parts (header.payload.signature) with JSON header and payload.' }],
    };
  }
  const problems = checkTokenRules(header, payload, options);
  let signature: TokenInspection['signature'] = 'not-checked';
  const key = options.key;
  if (key && typeof header.alg === 'string' && JITSI_ALGS.includes(header.alg)) {
    try {
      if (key.alg === 'HS256') {
        if (!header.alg.startsWith('HS')) signature = 'invalid';
        else {
          await compactVerify(token.trim(), new TextEncoder().encode(key.secret), { algorithms: [header.alg] });
          signature = 'valid';
        }
      } else {
        const match = key.publicKeys.find((candidate) => candidate.kid === header.kid);
        if (!match) signature = 'unknown-kid';
        else if (!header.alg.startsWith('RS')) signature = 'invalid';
        else {
          await compactVerify(token.trim(), await importSPKI(match.publicKeyPem, header.alg), { algorithms: [header.alg] });
          signature = 'valid';
        }
      }
    } catch {
      signature = 'invalid';
    }
  } else if (key) {
    signature = 'invalid';
  }
  if (signature === 'invalid') problems.push({ rule: 'signature', message: 'The signature does not verify with this server\'s secret or key: Jitsi rejects it ("authentication failed").' });
  if (signature === 'unknown-kid') problems.push({ rule: 'signature.kid', message: `No published key has kid ${JSON.stringify(header.kid)}: Prosody cannot fetch a public key for it.` });
  return {
    wellFormed: true,
    header,
    payload,
    signature,
    problems,
    expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined,
    notBefore: typeof payload.nbf === 'number' ? new Date(payload.nbf * 1000) : undefined,
  };
}
