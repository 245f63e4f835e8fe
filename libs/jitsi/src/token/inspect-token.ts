import { compactVerify, importSPKI } from 'jose';
import type { TokenServer } from './mint-room-token';
import { JITSI_ALGORITHMS, checkTokenRules, type TokenProblem, type TokenRule } from './token-rules';

/** What the inspector verifies a signature with: the server's shared secret, or its published RSA public keys. */
export type VerificationKey = { alg: 'HS256'; secret: string } | { alg: 'RS256'; publicKeys: { kid: string; /** SPKI PEM */ publicKeyPem: string }[] };

export interface TokenInspection {
  /** Three base64url parts with a JSON object header and payload. */
  wellFormed: boolean;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  signature: 'valid' | 'invalid' | 'not-checked' | 'unknown-kid';
  /** One per broken token rule (docs/jitsi-tokens.md); empty means Jitsi would accept the token. */
  problems: TokenProblem[];
  expiresAt?: Date;
  notBefore?: Date;
  /**
   * What the token lets its holder do (context.features), as Jitsi reads it: a feature is allowed
   * when its value is true or "true". Undefined when the token has no context.features (Jitsi then
   * decides by moderator status).
   */
  features?: { name: string; value: unknown; allowed: boolean }[];
}

export interface InspectTokenOptions {
  /** Check iss/aud/sub against this server. */
  server?: TokenServer;
  /** Verify the signature with this; without it the signature is 'not-checked'. */
  key?: VerificationKey;
  now: Date;
  /** The server's configured algorithm(s); defaults to the key's algorithm when a key is given. */
  allowedAlgs?: string[];
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const dateFrom = (seconds: unknown): Date | undefined => {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

/** `algorithm`: it could not verify because of the token's alg, which header.alg / header.alg.server already explain. */
type SignatureResult = { signature: TokenInspection['signature']; problem?: { rule: TokenRule; message: string }; algorithm?: true };

async function checkSignature(token: string, header: Record<string, unknown>, key: VerificationKey | undefined): Promise<SignatureResult> {
  if (!key) return { signature: 'not-checked' };
  const alg = header.alg;
  if (typeof alg !== 'string' || !JITSI_ALGORITHMS.includes(alg)) {
    // Reported as header.alg already; Jitsi verifies nothing else.
    return {
      signature: 'invalid',
      algorithm: true,
      problem: {
        rule: 'signature',
        message: `A ${show(alg)} signature cannot verify: this server checks ${key.alg === 'HS256' ? 'HS256 with its shared secret' : 'RS256 with its published public keys'}.`,
      },
    };
  }
  // Jitsi ignores "crit"; tell jose the listed extensions are understood so it verifies just the signature, as Prosody does.
  const crit = Array.isArray(header.crit)
    ? Object.fromEntries(header.crit.filter((name): name is string => typeof name === 'string').map((name) => [name, true]))
    : undefined;
  const invalid = (message: string, algorithm?: true): SignatureResult => ({ signature: 'invalid', problem: { rule: 'signature', message }, algorithm });

  if (key.alg === 'HS256') {
    if (!alg.startsWith('HS'))
      return invalid(
        `The token is signed with ${alg} (a private key), but this server uses a shared secret (HS256): Jitsi refuses it. Mint with the server's secret.`,
        true,
      );
    try {
      await compactVerify(token, new TextEncoder().encode(key.secret), { algorithms: [alg], crit });
      return { signature: 'valid' };
    } catch {
      return invalid(
        'The signature does not verify with this server\'s shared secret (JWT_APP_SECRET): Jitsi refuses the token ("Invalid signature"; the user sees "authentication failed"). It was signed with another secret, was changed after signing, or was minted for another server. Check that Moderato and Jitsi have the same secret.',
      );
    }
  }

  if (!alg.startsWith('RS'))
    return invalid(
      `The token is signed with ${alg} (a shared secret), but this server uses RS256 keys from the ASAP key server: Jitsi refuses it. Mint with the server's current key.`,
      true,
    );
  const published = key.publicKeys.find((candidate) => candidate.kid === header.kid);
  if (!published) {
    return {
      signature: 'unknown-kid',
      problem: {
        rule: 'signature.kid',
        message: `The server publishes no key with kid ${show(header.kid)}, so Prosody cannot fetch a public key for it ("could not obtain public key") and refuses the token. It was minted for another server, or its key was retired and removed; mint a new token.`,
      },
    };
  }
  try {
    await compactVerify(token, await importSPKI(published.publicKeyPem, alg), { algorithms: [alg], crit });
    return { signature: 'valid' };
  } catch {
    return invalid(
      `The signature does not verify with the public key published as kid ${show(header.kid)}: Jitsi refuses the token ("Invalid signature"). It was signed with another private key under the same kid, or changed after signing.`,
    );
  }
}

function featuresOf(payload: Record<string, unknown>): TokenInspection['features'] {
  const context = payload.context;
  const features = context && typeof context === 'object' ? (context as Record<string, unknown>).features : undefined;
  if (!features || typeof features !== 'object' || Array.isArray(features)) return undefined;
  return Object.entries(features as Record<string, unknown>).map(([name, value]) => ({ name, value, allowed: value === true || value === 'true' }));
}

/**
 * The token inspector: decodes a pasted token, checks every token rule (docs/jitsi-tokens.md) on it, and verifies its
 * signature against a server's secret or keys separately from the claims, so an expired token
 * still shows whether it was signed right. Never throws on garbage: it says it is not a JWT.
 */
export async function inspectToken(token: string, options: InspectTokenOptions): Promise<TokenInspection> {
  // A token never contains whitespace; pasting from a wrapped e-mail or log line adds some.
  const compact = typeof token === 'string' ? token.replace(/\s+/g, '') : '';
  const parts = compact.split('.');
  const header = parts.length === 3 ? decodePart(parts[0]) : undefined;
  const payload = parts.length === 3 ? decodePart(parts[1]) : undefined;
  if (!header || !payload) {
    const why =
      parts.length !== 3
        ? `it has ${compact === '' ? 'no content' : `${parts.length} part${parts.length === 1 ? '' : 's'}`} instead of three (header.payload.signature)`
        : `its ${header ? 'payload' : 'header'} is not base64url-encoded JSON object`;
    return {
      wellFormed: false,
      header,
      payload,
      signature: 'not-checked',
      problems: [
        { rule: 'format', message: `This is not a JWT: ${why}. Jitsi refuses it ("Invalid token"). Paste the whole value of ?jwt= from the join URL.` },
      ],
    };
  }

  const allowedAlgs = options.allowedAlgs ?? (options.key ? [options.key.alg] : undefined);
  const problems = checkTokenRules(header, payload, { server: options.server, now: options.now, allowedAlgs });
  const { signature, problem, algorithm } = await checkSignature(compact, header, options.key);
  // One defect, one problem: a signature that failed for its algorithm is explained by header.alg(.server) when that was flagged.
  if (problem && !(algorithm && problems.some((p) => p.rule === 'header.alg' || p.rule === 'header.alg.server'))) problems.push(problem);
  return {
    wellFormed: true,
    header,
    payload,
    signature,
    problems,
    expiresAt: dateFrom(payload.exp),
    notBefore: dateFrom(payload.nbf),
    features: featuresOf(payload),
  };
}
