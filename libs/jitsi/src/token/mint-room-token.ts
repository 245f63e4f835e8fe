import { createHmac } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { singleLine } from '@moderato/core';
import { AFFILIATIONS, NBF_SKEW_SECONDS, ROOM_NAME, ROOM_NAME_MAX_LENGTH } from './token-rules';

export type Affiliation = 'owner' | 'moderator' | 'member';
export type JitsiFeature =
  'recording' | 'livestreaming' | 'transcription' | 'outbound-call' | 'screen-sharing' | 'sip-outbound-call' | 'file-upload' | 'list-visitors';

/** The parts of a Jitsi server a token is bound to. */
export interface TokenServer {
  /** iss: docker JWT_APP_ID, Prosody app_id. */
  appId: string;
  /** aud: one of docker JWT_ACCEPTED_AUDIENCES. */
  audience: string;
  /** sub: the XMPP domain (meet.jitsi in docker), not the public host name. */
  xmppDomain: string;
}

export type SigningKey = { alg: 'HS256'; secret: string } | { alg: 'RS256'; kid: string; /** PKCS#8 PEM */ privateKeyPem: string };

export interface MintRoomTokenInput {
  server: TokenServer;
  signingKey: SigningKey;
  /** The meeting's room name (lower-cased into the claim). */
  room: string;
  user: { id: string; name: string; email: string; avatarUrl?: string | null };
  affiliation: Affiliation;
  /** End of the meeting's join window: the token never outlives it. */
  window: { notAfter: Date };
  now: Date;
  /** exp = min(now + maxTtlSeconds, window.notAfter). */
  maxTtlSeconds: number;
  /** Emitted as context.features only when given and not empty. */
  features?: Partial<Record<JitsiFeature, boolean>>;
  /** context.user.lobby_bypass, only when given. */
  lobbyBypass?: boolean;
}

export interface MintedToken {
  token: string;
  expiresAt: Date;
  /** Exactly the protected header in the token. */
  header: Record<string, unknown>;
  /** Exactly the claims in the token. */
  claims: Record<string, unknown>;
}

/**
 * Thrown instead of minting a token Jitsi would reject, or one that breaks a Moderato token rule
 * (wildcard room, no expiry). `rule` is a TOKEN_RULES id where one applies, otherwise one of
 * `key.secret`, `key.private`, `input.max-ttl`, `input.date`, `claim.context.user.id`.
 */
export class TokenRefused extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'TokenRefused';
  }
}

/** HS256 secrets shorter than this (bytes, UTF-8) are refused (RFC 7518 §3.2: key ≥ hash output). */
export const MIN_HS256_SECRET_BYTES = 32;

/**
 * Parsed RS256 private keys by their PEM: parsing PKCS#8 costs more than signing, and a server
 * signs every token with the same key until it is rotated. Bounded; the oldest goes first.
 */
type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;
const importedKeys = new Map<string, Promise<PrivateKey>>();
const IMPORTED_KEYS_MAX = 32;

function importPrivateKey(pem: string): Promise<PrivateKey> {
  let key = importedKeys.get(pem);
  if (!key) {
    key = importPKCS8(pem, 'RS256');
    // A key that cannot be parsed is not kept: the next attempt reports the error again.
    key.catch(() => importedKeys.delete(pem));
    if (importedKeys.size >= IMPORTED_KEYS_MAX) importedKeys.delete(importedKeys.keys().next().value!);
    importedKeys.set(pem, key);
  }
  return key;
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const validDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

/**
 * Mints the per-person, per-room Jitsi JWT exactly as Prosody checks it (docs/jitsi-tokens.md):
 * header {alg, typ: "JWT"[, kid]}; iss/aud/sub of the server; the room in lower case (never "*");
 * nbf (now − 30 s) and exp (the earlier of now + max TTL and the end of the join window) as
 * JSON numbers; context.user with scalar values, moderator (boolean) and affiliation;
 * context.features and context.user.lobby_bypass only when asked for.
 */
export async function mintRoomToken(input: MintRoomTokenInput): Promise<MintedToken> {
  const { server, signingKey, user, affiliation } = input;

  for (const [claim, value, setting] of [
    ['iss', server?.appId, 'app id (JWT_APP_ID)'],
    ['aud', server?.audience, 'audience (JWT_ACCEPTED_AUDIENCES)'],
    ['sub', server?.xmppDomain, 'XMPP domain'],
  ] as const) {
    if (!nonEmptyString(value))
      throw new TokenRefused(`claim.${claim}.missing`, `The Jitsi server has no ${setting}, so the token would have no "${claim}"; Jitsi would refuse it.`);
  }

  const room = input.room;
  if (typeof room !== 'string' || room === '') throw new TokenRefused('claim.room.missing', 'A token needs a room name.');
  if (room.includes('*')) throw new TokenRefused('claim.room.wildcard', `Room "${room}": a token for a person is for one room, never a wildcard.`);
  // Checked before lower-casing so that no non-ASCII letter can lower-case into a-z (e.g. the Kelvin sign K → k).
  if (!/^[A-Za-z0-9-]+$/.test(room)) throw new TokenRefused('claim.room.characters', `Room "${room}" has characters other than a-z, 0-9 and -.`);
  if (room.length > ROOM_NAME_MAX_LENGTH)
    throw new TokenRefused('claim.room.length', `Room name has ${room.length} characters; at most ${ROOM_NAME_MAX_LENGTH}.`);
  const roomClaim = room.toLowerCase();
  if (!ROOM_NAME.test(roomClaim))
    throw new TokenRefused('claim.room.characters', `Room "${room}" is not 1-${ROOM_NAME_MAX_LENGTH} characters of a-z, 0-9 and -.`);

  if (!user || !nonEmptyString(user.id)) throw new TokenRefused('claim.context.user.id', 'The user has no id: context.user.id must be the stable user id.');
  for (const field of ['name', 'email'] as const) {
    if (typeof user[field] !== 'string') throw new TokenRefused('claim.context.user.scalar', `context.user.${field} must be a string.`);
  }
  if (user.avatarUrl !== undefined && user.avatarUrl !== null && typeof user.avatarUrl !== 'string') {
    throw new TokenRefused('claim.context.user.scalar', 'context.user.avatar must be a URL string.');
  }
  if (!AFFILIATIONS.includes(affiliation))
    throw new TokenRefused('claim.context.user.affiliation', `Unknown affiliation ${JSON.stringify(affiliation)}: owner, moderator or member.`);
  if (input.lobbyBypass !== undefined && typeof input.lobbyBypass !== 'boolean') {
    throw new TokenRefused('claim.context.user.lobby_bypass', 'lobby_bypass must be true or false.');
  }
  const features: [string, boolean][] = [];
  for (const [name, value] of Object.entries(input.features ?? {})) {
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new TokenRefused('claim.context.features', `Feature "${name}" must be true or false, not ${JSON.stringify(value)}.`);
    features.push([name, value]);
  }

  if (!validDate(input.now) || !validDate(input.window?.notAfter)) throw new TokenRefused('input.date', 'now and window.notAfter must be valid dates.');
  if (typeof input.maxTtlSeconds !== 'number' || !Number.isFinite(input.maxTtlSeconds) || input.maxTtlSeconds < 1) {
    throw new TokenRefused('input.max-ttl', `The maximum token lifetime must be at least 1 second (got ${String(input.maxTtlSeconds)}).`);
  }
  const nowMs = input.now.getTime();
  const nowSeconds = Math.floor(nowMs / 1000);
  const exp = Math.floor(Math.min(nowMs + input.maxTtlSeconds * 1000, input.window.notAfter.getTime()) / 1000);
  // Jitsi refuses a token once now ≥ exp.
  if (exp <= nowSeconds) {
    throw new TokenRefused(
      'claim.exp.expired',
      `The meeting's join window ended at ${input.window.notAfter.toISOString()}: a token now would already be expired.`,
    );
  }

  let header: { alg: 'HS256'; typ: 'JWT' } | { alg: 'RS256'; typ: 'JWT'; kid: string };
  let key: Parameters<SignJWT['sign']>[0];
  if (signingKey?.alg === 'HS256') {
    const bytes = typeof signingKey.secret === 'string' ? Buffer.byteLength(signingKey.secret, 'utf8') : 0;
    if (bytes < MIN_HS256_SECRET_BYTES) {
      throw new TokenRefused(
        'key.secret',
        bytes === 0 ? 'The server has no HS256 secret.' : `The HS256 secret has ${bytes} bytes; at least ${MIN_HS256_SECRET_BYTES} are needed.`,
      );
    }
    header = { alg: 'HS256', typ: 'JWT' };
    key = new TextEncoder().encode(signingKey.secret);
  } else if (signingKey?.alg === 'RS256') {
    if (!nonEmptyString(signingKey.kid)) throw new TokenRefused('header.kid', 'An RS256 token needs a kid: Prosody fetches the public key by it.');
    header = { alg: 'RS256', typ: 'JWT', kid: signingKey.kid };
    try {
      key = await importPrivateKey(signingKey.privateKeyPem);
    } catch (error) {
      throw new TokenRefused('key.private', `The RS256 private key (kid ${signingKey.kid}) cannot be used: ${(error as Error).message}.`);
    }
  } else {
    throw new TokenRefused(
      'header.alg',
      `Unsupported signing algorithm ${JSON.stringify((signingKey as { alg?: unknown } | undefined)?.alg)}: HS256 or RS256.`,
    );
  }

  // The name as Jitsi shows it to everyone in the room: one line, no control characters.
  const contextUser: Record<string, string | boolean> = { id: user.id, name: singleLine(user.name).trim(), email: user.email };
  if (user.avatarUrl) contextUser.avatar = user.avatarUrl;
  contextUser.moderator = affiliation !== 'member';
  contextUser.affiliation = affiliation;
  if (input.lobbyBypass !== undefined) contextUser.lobby_bypass = input.lobbyBypass;
  const context: Record<string, unknown> = { user: contextUser };
  if (features.length) context.features = Object.fromEntries(features);

  const claims = {
    iss: server.appId,
    aud: server.audience,
    sub: server.xmppDomain,
    room: roomClaim,
    iat: nowSeconds,
    nbf: nowSeconds - NBF_SKEW_SECONDS,
    exp,
    context,
  };
  // SignJWT encodes the claims as given: numbers stay JSON numbers, aud stays a single string.
  let token: string;
  try {
    if (header.alg === 'HS256') {
      // HMAC directly with node:crypto: the same compact JWS jose writes (JSON of the header and
      // the claims, base64url), without a WebCrypto round trip per token (see BENCHMARKS.md).
      const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      token = `${signingInput}.${createHmac('sha256', key as Uint8Array)
        .update(signingInput)
        .digest('base64url')}`;
    } else {
      token = await new SignJWT(claims).setProtectedHeader(header).sign(key);
    }
  } catch (error) {
    // jose checks the RSA modulus (≥ 2048 bits) only when signing.
    if (header.alg === 'RS256') throw new TokenRefused('key.private', `The RS256 private key (kid ${header.kid}) cannot sign: ${(error as Error).message}.`);
    throw error;
  }
  return { token, expiresAt: new Date(exp * 1000), header: { ...header }, claims: structuredClone(claims) };
}
