import { SystemClock } from '@moderato/core';
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify as verifySignature } from 'node:crypto';

/**
 * How the stand-in's "Prosody" is configured: the same settings a Jitsi deployment with token
 * authentication has (Prosody's `app_id`, `app_secret` or `asap_key_server`,
 * `asap_accepted_issuers`, `asap_accepted_audiences`; the XMPP domain of the VirtualHost).
 */
export interface JitsiHostSettings {
  /** XMPP domain (docker-jitsi-meet: meet.jitsi): a token's `sub` must name it (or be `*`). */
  domain: string;
  /** `app_id`: the default (and usual only) accepted issuer. */
  appId: string;
  /** `asap_accepted_issuers`; default `[appId]`. */
  acceptedIssuers?: string[];
  /** `asap_accepted_audiences`; default `['*']` (any audience, but `aud` must be present). */
  acceptedAudiences?: string[];
  /** `app_secret`: HS256/384/512 tokens. */
  appSecret?: string;
  /** `asap_key_server`: RS256/384/512 tokens with a `kid`, key at `<url>/<sha256 hex of kid>.pem`. */
  asapKeyServer?: string;
  /** `prosody_password_public_key_repo_url`: muc_end_meeting's key server for system tokens (end-meeting is off without it). */
  systemKeyServer?: string;
  /** The MUC domain of the rooms (room JIDs `<room>@<mucDomain>`); default `conference.<domain>`. */
  mucDomain?: string;
}

/** The person a token let in, as Jitsi's token_affiliation module sees them. */
export interface Admitted {
  verdict: 'joined';
  room: string;
  /** `owner` (organizer), `moderator` (co-moderator) or `member` (everyone else). */
  affiliation: 'owner' | 'moderator' | 'member';
  /** The MUC affiliation token_affiliation gives: owner for owner/moderator/teacher or moderator=true. */
  mucAffiliation: 'owner' | 'member';
  user: { id?: string; name?: string; email?: string };
  features?: Record<string, unknown>;
  expiresAt: number;
}

export interface Refused {
  verdict: 'refused';
  room: string;
  /** What Prosody would answer the client (`not-allowed`, the condition of the XMPP error). */
  condition: 'not-allowed';
  /** The reason as Prosody's token plugins put it in their log line. */
  reason: string;
}

export type Judgement = Admitted | Refused;

export interface JudgeOptions {
  /** Seconds since the epoch; default now. Jitsi applies no clock leeway. */
  now?: number;
  /** Fetches a public key URL; default `fetch` (status 200 or 204 counts, as in Prosody). */
  fetchKey?: (url: string) => Promise<string | null>;
}

export const HMAC: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
export const RSA: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

/**
 * Key URL exactly as Prosody builds it: `util.paths.join(asap_key_server, hex(sha256(kid)) .. '.pem')`,
 * i.e. joined with one `/` and nothing removed (a base URL ending in `/` gives `//`).
 */
export function publicKeyUrl(asapKeyServer: string, kid: string): string {
  return `${asapKeyServer}/${createHash('sha256').update(kid, 'utf8').digest('hex')}.pem`;
}

export async function defaultFetchKey(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { headers: { 'user-agent': 'Prosody (dev-jitsi stand-in)' }, signal: AbortSignal.timeout(10_000) });
    return res.status === 200 || res.status === 204 ? await res.text() : null;
  } catch {
    return null;
  }
}

export function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const refused = (room: string, reason: string): Refused => ({ verdict: 'refused', room, condition: 'not-allowed', reason });

/**
 * Judges `<base>/<room>?jwt=<token>` the way Jitsi's Prosody does with token authentication
 * (`authentication = "token"`, mod_token_verification on the MUC, token_affiliation), in the
 * same order and with the same words in `reason` as its log lines:
 * missing token, `kid` and key fetch for ASAP, then the JWT library (three parts, `typ`, `alg`,
 * signature, `exp`/`nbf` as numbers and without leeway), then `iss`, `room`, `aud` against the
 * accepted lists, and finally the room: the token's `room` (lower-cased) must be the room joined
 * (or `*`) and its `sub` the XMPP domain (or `*`).
 */
export async function judgeToken(token: string | undefined | null, room: string, host: JitsiHostSettings, options: JudgeOptions = {}): Promise<Judgement> {
  const now = options.now ?? Math.floor(new SystemClock().now().getTime() / 1000);
  const roomName = room.toLowerCase();
  if (!token) return refused(roomName, 'token required');

  let key: string | undefined;
  if (host.asapKeyServer) {
    const dot = token.indexOf('.');
    if (dot < 0) return refused(roomName, 'Invalid token');
    const header = decodeJson(token.slice(0, dot));
    if (!header) return refused(roomName, 'bad token format');
    if (header.kid === undefined || header.kid === null) return refused(roomName, "'kid' claim is missing");
    const pem = await (options.fetchKey ?? defaultFetchKey)(publicKeyUrl(host.asapKeyServer, String(header.kid)));
    if (!pem) return refused(roomName, 'could not obtain public key');
    key = pem;
  } else {
    key = host.appSecret;
  }
  if (!key) return refused(roomName, "'app_secret' or 'asap_key_server' must be specified");

  // The JWT library: structure, header, signature, times.
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => part === '')) return refused(roomName, 'Invalid token');
  const header = decodeJson(parts[0]);
  if (!header) return refused(roomName, 'Invalid header');
  const body = decodeJson(parts[1]);
  if (!body) return refused(roomName, 'Invalid body');
  if (header.typ !== 'JWT') return refused(roomName, 'Invalid typ');
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const family = host.asapKeyServer ? RSA : HMAC;
  if (!family[alg]) return refused(roomName, 'Invalid or incorrect alg');
  const signingInput = Buffer.from(`${parts[0]}.${parts[1]}`, 'utf8');
  const signature = Buffer.from(parts[2], 'base64url');
  let valid: boolean;
  if (host.asapKeyServer) {
    try {
      valid = verifySignature(family[alg], signingInput, createPublicKey(key), signature);
    } catch {
      valid = false;
    }
  } else {
    const expected = createHmac(family[alg], key).update(signingInput).digest();
    valid = expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  if (!valid) return refused(roomName, 'Invalid signature');
  if (body.exp !== undefined && typeof body.exp !== 'number') return refused(roomName, 'exp must be number');
  if (body.nbf !== undefined && typeof body.nbf !== 'number') return refused(roomName, 'nbf must be number');
  if (typeof body.exp === 'number' && now >= body.exp) {
    const validFor = typeof body.iat === 'number' ? `, valid for:${body.exp - body.iat} sec` : '';
    return refused(roomName, `Not acceptable by exp (${now - body.exp} sec since expired${validFor})`);
  }
  if (typeof body.nbf === 'number' && now < body.nbf) return refused(roomName, 'Not acceptable by nbf');

  // token/util.lib.lua: issuer, room claim, audience.
  if (body.iss === undefined || body.iss === null) return refused(roomName, "'iss' claim is missing");
  const issuers = host.acceptedIssuers ?? [host.appId];
  if (!issuers.some((accepted) => accepted === '*' || accepted === body.iss)) return refused(roomName, "Invalid issuer ('iss' claim)");
  if (body.room === undefined || body.room === null) return refused(roomName, "'room' claim is missing");
  if (body.aud === undefined || body.aud === null) return refused(roomName, "'aud' claim is missing");
  const audiences = host.acceptedAudiences ?? ['*'];
  if (!audiences.some((accepted) => accepted === '*' || accepted === body.aud)) return refused(roomName, "Invalid audience ('aud' claim)");

  // Joining the MUC: the room of the token, and (domain verification) its domain.
  const tokenRoom = String(body.room);
  if (tokenRoom !== '*' && tokenRoom.toLowerCase() !== roomName) {
    return refused(roomName, `not allowed to join ${roomName}@conference.${host.domain}: the token is for room '${tokenRoom}'`);
  }
  if (body.sub !== '*' && String(body.sub ?? '').toLowerCase() !== host.domain.toLowerCase()) {
    return refused(
      roomName,
      `not allowed to join ${roomName}@conference.${host.domain}: the token's 'sub' is '${String(body.sub ?? '')}', not the domain ${host.domain}`,
    );
  }

  const context = (body.context ?? {}) as { user?: Record<string, unknown>; features?: Record<string, unknown> };
  const user = context.user && typeof context.user === 'object' ? context.user : {};
  const claimed = String(user.affiliation ?? '');
  // mod_token_affiliation: owner/moderator/teacher or moderator=true → owner; everyone else member.
  const isOwner = ['owner', 'moderator', 'teacher'].includes(claimed) || user.moderator === true || user.moderator === 'true';
  const affiliation: Admitted['affiliation'] = claimed === 'owner' || claimed === 'moderator' ? claimed : isOwner ? 'moderator' : 'member';
  return {
    verdict: 'joined',
    room: roomName,
    affiliation,
    mucAffiliation: isOwner ? 'owner' : 'member',
    user: {
      id: user.id === undefined ? undefined : String(user.id),
      name: user.name === undefined ? undefined : String(user.name),
      email: user.email === undefined ? undefined : String(user.email),
    },
    features: context.features && typeof context.features === 'object' ? context.features : undefined,
    expiresAt: typeof body.exp === 'number' ? body.exp : Number.POSITIVE_INFINITY,
  };
}
