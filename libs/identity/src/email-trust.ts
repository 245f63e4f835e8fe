/** A claim that may arrive as a boolean or as its string form ("true", "1"); undefined when absent or neither. */
function flag(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  return undefined;
}

/** The domain of an address, lower-cased; '' when there is none. */
export function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/**
 * Whether a token's email counts as verified. Personal links are matched by verified email, so
 * this is the door to every meeting:
 *
 * - `email_verified` decides when the IdP sends it (an explicit false stays unverified);
 * - otherwise (Microsoft Entra ID never sends it for work or school accounts) an address counts
 *   only if its domain is one the admin listed in OIDC_TRUSTED_EMAIL_DOMAINS, exactly: a
 *   subdomain only when listed itself, because the IdP may let users type any address;
 * - within those domains Entra's `xms_edov` (the tenant verified the email's domain) is honoured
 *   when present: false keeps the address unverified.
 */
export function emailVerifiedFrom(claims: Record<string, unknown>, email: string, trustedDomains: readonly string[]): boolean {
  const stated = flag(claims.email_verified);
  if (stated !== undefined) return stated;
  const domain = domainOf(email);
  if (!domain || !trustedDomains.includes(domain)) return false;
  return flag(claims.xms_edov) ?? true;
}
