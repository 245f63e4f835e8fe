import { SignJWT, importPKCS8 } from 'jose';
import type { TokenServer } from './mint-room-token';

/** How long a system token lives: it is used at once, for one call. */
export const SYSTEM_TOKEN_TTL_SECONDS = 60;

export interface SystemSigningKey {
  kid: string;
  /** PKCS#8 PEM */
  privateKeyPem: string;
}

/**
 * A token for Prosody's `muc_end_meeting` (server to server), signed with the SYSTEM key: header
 * `typ` JWT, `kid`, `alg` RS256 (the host's algorithm); `iss` the server's app id (Prosody's
 * accepted issuers default to its app_id); `aud`, `sub` and `room` present (the module checks
 * that they are there); a short `exp`.
 */
export async function mintSystemToken(input: { server: TokenServer; key: SystemSigningKey; room: string; now: Date }) {
  const iat = Math.floor(input.now.getTime() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: input.key.kid };
  const claims = {
    iss: input.server.appId,
    aud: input.server.audience,
    sub: input.server.xmppDomain,
    room: input.room.toLowerCase(),
    iat,
    nbf: iat - 10,
    exp: iat + SYSTEM_TOKEN_TTL_SECONDS,
  };
  const token = await new SignJWT(claims).setProtectedHeader(header).sign(await importPKCS8(input.key.privateKeyPem, 'RS256'));
  return { token, header, claims, expiresAt: new Date(claims.exp * 1000) };
}
