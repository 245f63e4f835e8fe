/** The discovery document of an issuer (OpenID Connect Discovery 1.0, section 4): one slash before .well-known. */
export function discoveryDocumentUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Why the issuer a discovery document announces is not the configured one, in words an admin can
 * act on; null when they are the same string (the spec compares them exactly, and the IdP puts
 * that string in every token's `iss`).
 */
export function issuerMismatch(configured: string, announced: string): string | null {
  if (configured === announced) return null;
  const unslashed = (value: string) => value.replace(/\/+$/, '');
  let why: string;
  if (unslashed(configured) === unslashed(announced)) why = 'the trailing slash differs';
  else if (configured.toLowerCase() === announced.toLowerCase()) why = 'upper and lower case differ';
  else if (safeOrigin(configured) !== safeOrigin(announced)) why = 'the scheme, host or port differs';
  else why = 'the path differs';
  return `OIDC_ISSUER is ${configured} but the identity provider announces ${announced} (${why}); set OIDC_ISSUER=${announced} exactly`;
}

function safeOrigin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}
