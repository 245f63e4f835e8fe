import type { RoleOverrides } from './user.entity';

export type Role = 'participant' | 'organizer' | 'admin';

/**
 * Follows a dot-separated claim path, e.g. `realm_access.roles` or
 * `resource_access.my.client.roles`. Keys may themselves contain dots (client ids often do), so
 * at each level the longest key that matches the rest of the path wins.
 */
export function claimAt(claims: unknown, path: string): unknown {
  const parts = path.split('.');
  const walk = (value: unknown, index: number): unknown => {
    if (index === parts.length) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    for (let end = parts.length; end > index; end -= 1) {
      const key = parts.slice(index, end).join('.');
      if (Object.prototype.hasOwnProperty.call(record, key)) {
        const found = walk(record[key], end);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return walk(claims, 0);
}

/**
 * Role and group names a token carries under the given claim paths, normalised: lower-case,
 * and a group path "/school/teachers" counts as both "school/teachers" and "teachers".
 * `groupMap` (OIDC_GROUP_ROLE_MAP) adds the names that group ids stand for: Entra ID sends
 * groups as object ids, which no one can put in ORGANIZER_ROLES readably.
 */
export function rolesFromClaims(claims: Record<string, unknown>, paths: string[], groupMap: ReadonlyMap<string, string[]> = new Map()): string[] {
  const names = new Set<string>();
  const add = (raw: string) => {
    const value = raw.trim().toLowerCase();
    if (!value) return;
    for (const mapped of groupMap.get(value) ?? []) names.add(mapped);
    const withoutSlash = value.replace(/^\/+/, '');
    if (!withoutSlash) return;
    names.add(withoutSlash);
    const last = withoutSlash.split('/').filter(Boolean).pop();
    if (last) names.add(last);
  };
  for (const path of paths) {
    const value = claimAt(claims, path);
    if (typeof value === 'string') value.split(/[\s,]+/).forEach(add);
    else if (Array.isArray(value)) value.filter((item): item is string => typeof item === 'string').forEach(add);
  }
  return [...names].sort();
}

export interface RoleSettings {
  organizer: string[];
  admin: string[];
}

/**
 * What a person may do: everyone signed in is a participant; IdP roles make organizers and
 * admins; an admin's local override (grant or block) wins over the IdP.
 */
export function effectiveRoles(idpRoles: string[], overrides: RoleOverrides, settings: RoleSettings): Role[] {
  const held = new Set(idpRoles.map((role) => role.toLowerCase()));
  const fromIdp = (wanted: string[]) => wanted.some((role) => held.has(role.trim().toLowerCase().replace(/^\/+/, '')));
  const decide = (override: RoleOverrides['organizer'], idp: boolean) => (override === 'grant' ? true : override === 'block' ? false : idp);
  const roles: Role[] = ['participant'];
  if (decide(overrides.organizer, fromIdp(settings.organizer))) roles.push('organizer');
  if (decide(overrides.admin, fromIdp(settings.admin))) roles.push('admin');
  return roles;
}
