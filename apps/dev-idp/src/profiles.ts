import { createHash } from 'node:crypto';
import { claimsFor, type DevIdpUser } from './users';

/**
 * Which real identity provider the development IdP imitates in its claims (the tests of
 * apps/api/test/idp-profiles.e2e-spec.ts sign in against each):
 *
 * - `keycloak` (default): `email_verified`, groups as paths (`/teachers`), `realm_access.roles`;
 * - `entra` (Microsoft Entra ID, v2.0 ID token): no `email_verified`; `tid`, `oid`,
 *   `preferred_username` is the UPN, groups as object ids (`groupObjectId(name)`), app roles
 *   in `roles` (give them with the user's `claims`), `xms_edov` only when the user's claims say so;
 * - `google` (Google Workspace): `email_verified`, `hd` (the Workspace domain), no groups at all;
 * - `authentik`: `email_verified`, groups by name (`teachers`), `preferred_username` the username.
 */
export type DevIdpProfile = 'keycloak' | 'entra' | 'google' | 'authentik';

export const DEV_IDP_PROFILES: readonly DevIdpProfile[] = ['keycloak', 'entra', 'google', 'authentik'];

/** The tenant id the `entra` profile sends as `tid` when the issuer's path names none. */
export const DEFAULT_TENANT_ID = '5e1c0a00-7e57-4e57-9e57-000000000000';

/** A stable, GUID-shaped object id for a group name, as Entra ID sends groups. */
export function groupObjectId(name: string): string {
  const hex = createHash('sha256').update(`group:${name.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The tenant id in an Entra-shaped issuer (`…/<tenant id>/v2.0`), if there is one. */
export function tenantOf(issuer: string): string {
  const match = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0\/?$/i.exec(new URL(issuer).pathname);
  return match?.[1].toLowerCase() ?? DEFAULT_TENANT_ID;
}

/** The user's claims as `profile` would send them; the user's own `claims` win (a null removes one). */
export function profileClaimsFor(user: DevIdpUser, profile: DevIdpProfile, issuer: string): Record<string, unknown> & { sub: string } {
  const base = claimsFor(user);
  const groups = user.groups.map((group) => group.replace(/^\/+/, ''));
  let shaped: Record<string, unknown>;
  switch (profile) {
    case 'keycloak':
      shaped = base;
      break;
    case 'entra': {
      const { email_verified: _verified, groups: _paths, realm_access: _realm, given_name: _given, family_name: _family, picture: _picture, ...rest } = base;
      shaped = { ...rest, tid: tenantOf(issuer), oid: base.sub, preferred_username: user.email, groups: groups.map(groupObjectId) };
      break;
    }
    case 'google': {
      const { groups: _paths, realm_access: _realm, preferred_username: _username, ...rest } = base;
      shaped = { ...rest, hd: user.email.split('@')[1].toLowerCase() };
      break;
    }
    case 'authentik': {
      const { realm_access: _realm, ...rest } = base;
      shaped = { ...rest, preferred_username: user.email.split('@')[0], nickname: user.email.split('@')[0], groups };
      break;
    }
  }
  for (const [key, value] of Object.entries(user.claims ?? {})) {
    if (value === null) delete shaped[key];
    else shaped[key] = value;
  }
  return { ...shaped, sub: base.sub };
}

/** The claim names each scope releases: the standard ones plus whatever the profiles and the users' own claims add. */
export function scopeClaims(users: readonly DevIdpUser[]): Record<string, string[]> {
  const extra = new Set<string>();
  for (const user of users) for (const key of Object.keys(user.claims ?? {})) extra.add(key);
  const email = ['email', 'email_verified', 'xms_edov'];
  const profile = ['name', 'given_name', 'family_name', 'preferred_username', 'nickname', 'picture', 'groups', 'realm_access', 'roles', 'tid', 'oid', 'hd'];
  for (const key of [...email, ...profile, 'sub']) extra.delete(key);
  return { openid: ['sub'], email, profile: [...profile, ...extra] };
}
