import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { HMAC, RSA, decodeJson, defaultFetchKey, publicKeyUrl, type JitsiHostSettings, type JudgeOptions } from './judge';

/**
 * Checks a bearer token for `POST /end-meeting` as Jitsi's muc_end_meeting does through its token
 * util, with the key server set to `prosody_password_public_key_repo_url` (the SYSTEM keys, never
 * the login keys): `kid` and the key at `<url>/<sha256 hex of kid>.pem`; `typ` JWT; `alg` the
 * host's own algorithm (RS256 only where the host verifies logins with asap_key_server: an HS256
 * host refuses every system token); the signature; `exp`/`nbf` without leeway; `iss` among the
 * accepted issuers; `aud`, `room` and `sub` present. Returns null when accepted, else the reason.
 */
export async function refuseSystemToken(token: string, host: JitsiHostSettings, options: JudgeOptions & { now: number }): Promise<string | null> {
  if (!host.systemKeyServer) return "no 'prosody_password_public_key_repo_url'";
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => part === '')) return 'Invalid token';
  const header = decodeJson(parts[0]);
  const body = decodeJson(parts[1]);
  if (!header || !body) return 'bad token format';
  if (header.kid === undefined || header.kid === null) return "'kid' claim is missing";
  const pem = await (options.fetchKey ?? defaultFetchKey)(publicKeyUrl(host.systemKeyServer, String(header.kid)));
  if (!pem) return 'could not obtain public key';
  if (header.typ !== 'JWT') return 'Invalid typ';
  const alg = typeof header.alg === 'string' ? header.alg : '';
  // The host's signature algorithm: an HS256 host (app_secret) expects HMAC, which no public key verifies.
  if (!host.asapKeyServer) return HMAC[alg] ? 'Invalid signature' : 'Invalid or incorrect alg';
  if (!RSA[alg]) return 'Invalid or incorrect alg';
  let valid: boolean;
  try {
    valid = verifySignature(RSA[alg], Buffer.from(`${parts[0]}.${parts[1]}`, 'utf8'), createPublicKey(pem), Buffer.from(parts[2], 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) return 'Invalid signature';
  if (typeof body.exp !== 'number' || options.now >= body.exp) return 'Not acceptable by exp';
  if (body.nbf !== undefined && (typeof body.nbf !== 'number' || options.now < body.nbf)) return 'Not acceptable by nbf';
  const issuers = host.acceptedIssuers ?? [host.appId];
  if (body.iss === undefined || !issuers.some((accepted) => accepted === '*' || accepted === body.iss)) return "Invalid issuer ('iss' claim)";
  for (const claim of ['aud', 'room', 'sub']) if (body[claim] === undefined || body[claim] === null) return `'${claim}' claim is missing`;
  return null;
}

/** The room of a conference JID `<room>@<mucDomain>` on this host, or null (another domain, no room part). */
export function roomOfConference(conference: string, host: JitsiHostSettings): string | null {
  const at = conference.lastIndexOf('@');
  if (at <= 0) return null;
  const domain = conference.slice(at + 1);
  return domain === (host.mucDomain ?? `conference.${host.domain}`) ? conference.slice(0, at) : null;
}
