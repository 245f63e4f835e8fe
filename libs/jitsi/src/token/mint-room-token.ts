import { SignJWT, importPKCS8 } from 'jose';

export type Affiliation = 'owner' | 'moderator' | 'member';
export type JitsiFeature =
  | 'recording'
  | 'livestreaming'
  | 'transcription'
  | 'outbound-call'
  | 'screen-sharing'
  | 'sip-outbound-call'
  | 'file-upload'
  | 'list-visitors';

/** The parts of a Jitsi server a token is bound to. */
export interface TokenServer {
  appId: string;
  audience: string;
  xmppDomain: string;
}

export type SigningKey = { alg: 'HS256'; secret: string } | { alg: 'RS256'; kid: string; privateKeyPem: string };

export interface MintRoomTokenInput {
  server: TokenServer;
  signingKey: SigningKey;
  /** The meeting's room name. */
  room: string;
  user: { id: string; name: string; email: string; avatarUrl?: string | null };
  affiliation: Affiliation;
  /** End of the meeting's join window: the token never outlives it. */
  window: { notAfter: Date };
  now: Date;
  maxTtlSeconds: number;
  /** Emitted as context.features only when given and not empty. */
  features?: Partial<Record<JitsiFeature, boolean>>;
  /** context.user.lobby_bypass, only when given. */
  lobbyBypass?: boolean;
}

export interface MintedToken {
  token: string;
  expiresAt: Date;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Refused instead of minting a token Jitsi would reject (or that would grant too much). */
export class TokenRefused extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'TokenRefused';
  }
}

export const ROOM_NAME = /^[a-z0-9-]{1,128}$/;
/** Jitsi applies no clock leeway, so nbf lies a little in the past. */
export const NBF_SKEW_SECONDS = 30;

/**
 * Mints the per-person, per-room Jitsi JWT exactly as TOKENS.md says Prosody checks it:
 * header {alg, typ: "JWT"[, kid]}, iss/aud/sub of the server, the lower-case room (never "*"),
 * numeric nbf (now − 30 s) and exp (the earlier of now + max TTL and the meeting window's end),
 * context.user with moderator (boolean) and affiliation.
 */
export async function mintRoomToken(input: MintRoomTokenInput): Promise<MintedToken> {
  const { server, signingKey, user, affiliation } = input;
  for (const [field, value] of [
    ['iss', server.appId],
    ['aud', server.audience],
    ['sub', server.xmppDomain],
  ] as const) {
    if (typeof value !== 'string' || value.trim() === '') throw new TokenRefused(`claim.${field}`, `The server has no value for "${field}"`);
  }
  const room = input.room.trim().toLowerCase();
  if (room === '*' || room.includes('*')) throw new TokenRefused('claim.room.wildcard', 'A token for a person is for one room, never "*"');
  if (!ROOM_NAME.test(room)) throw new TokenRefused('claim.room', `Room "${input.room}" is not 1-128 characters of a-z, 0-9 and -`);
  if (!['owner', 'moderator', 'member'].includes(affiliation)) throw new TokenRefused('claim.context.user.affiliation', `Unknown affiliation "${affiliation}"`);
  if (!user.id || !user.name || !user.email) throw new TokenRefused('claim.context.user', 'The user needs an id, a name and an email');

  const nowSeconds = Math.floor(input.now.getTime() / 1000);
  const exp = Math.floor(Math.min(input.now.getTime() + input.maxTtlSeconds * 1000, input.window.notAfter.getTime()) / 1000);
  if (exp <= nowSeconds) throw new TokenRefused('claim.exp', 'The meeting\'s join window is over: no token');

  const contextUser: Record<string, string | boolean> = {
    id: user.id,
    name: user.name,
    email: user.email,
    moderator: affiliation !== 'member',
    affiliation,
  };
  if (user.avatarUrl) contextUser.avatar = user.avatarUrl;
  if (input.lobbyBypass !== undefined) contextUser.lobby_bypass = input.lobbyBypass;
  const context: Record<string, unknown> = { user: contextUser };
  const features = Object.entries(input.features ?? {}).filter(([, value]) => typeof value === 'boolean');
  if (features.length) context.features = Object.fromEntries(features);

  const claims = {
    iss: server.appId,
    aud: server.audience,
    sub: server.xmppDomain,
    room,
    iat: nowSeconds,
    nbf: nowSeconds - NBF_SKEW_SECONDS,
    exp,
    context,
  };

  let header: { alg: string; typ: 'JWT'; kid?: string };
  let key: Parameters<SignJWT['sign']>[0];
  if (signingKey.alg === 'HS256') {
    if (Buffer.byteLength(signingKey.secret ?? '', 'utf8') < 32) throw new TokenRefused('key.secret', 'The HS256 secret must be at least 32 bytes');
    header = { alg: 'HS256', typ: 'JWT' };
    key = new TextEncoder().encode(signingKey.secret);
  } else {
    if (!signingKey.kid) throw new TokenRefused('header.kid', 'An RS256 token needs a kid');
    header = { alg: 'RS256', typ: 'JWT', kid: signingKey.kid };
    key = await importPKCS8(signingKey.privateKeyPem, 'RS256');
  }
  // SignJWT writes the claims as given: numbers stay JSON numbers.
  const token = await new SignJWT(claims).setProtectedHeader(header).sign(key);
  return { token, expiresAt: new Date(exp * 1000), header, claims };
}
