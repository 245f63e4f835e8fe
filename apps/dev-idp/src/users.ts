import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A person who can sign in at the development identity provider. */
export interface DevIdpUser {
  email: string;
  password: string;
  name: string;
  /** Group names without a leading slash, e.g. `teachers` (shown as `/teachers` in `groups`). */
  groups: string[];
  /** Default true. */
  emailVerified?: boolean;
  picture?: string;
  /**
   * Claims added to (or, with null, removed from) what the IdP's profile sends, e.g. Entra's app
   * roles `{ "roles": ["teachers"] }` or `{ "xms_edov": true }`.
   */
  claims?: Record<string, unknown>;
}

/** The demo accounts of `npm run dev` and the tests; each password is the name part of the email. */
export const DEMO_USERS: DevIdpUser[] = [
  { email: 'admin@school.test', password: 'admin', name: 'Ada Admin', groups: ['admins'] },
  { email: 'teacher@school.test', password: 'teacher', name: 'Tom Teacher', groups: ['teachers'] },
  { email: 'teacher2@school.test', password: 'teacher2', name: 'Tina Teacher', groups: ['teachers'] },
  { email: 'student@school.test', password: 'student', name: 'Sam Student', groups: ['students'] },
  { email: 'student2@school.test', password: 'student2', name: 'Sara Student', groups: ['students'] },
  { email: 'unverified@school.test', password: 'unverified', name: 'Uma Unverified', groups: ['students'], emailVerified: false },
];

/** The stable subject of a user: the first 32 hex characters of sha256(lower-cased email). */
export function subjectFor(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}

/** Claims shaped like Keycloak's (the provider filters them by the granted scopes). */
export function claimsFor(user: DevIdpUser): Record<string, unknown> & { sub: string } {
  const name = user.name.trim();
  const space = name.indexOf(' ');
  const groups = user.groups.map((group) => group.replace(/^\/+/, ''));
  return {
    sub: subjectFor(user.email),
    email: user.email,
    email_verified: user.emailVerified ?? true,
    name,
    given_name: space > 0 ? name.slice(0, space) : name,
    ...(space > 0 ? { family_name: name.slice(space + 1).trim() } : {}),
    preferred_username: user.email,
    ...(user.picture ? { picture: user.picture } : {}),
    groups: groups.map((group) => `/${group}`),
    realm_access: { roles: groups.map((group) => group.split('/').pop() ?? group) },
  };
}

const KNOWN_KEYS = new Set(['email', 'password', 'name', 'groups', 'emailVerified', 'picture', 'claims']);

/** Checks one entry of a users file; returns the problem, or undefined when it is fine. */
function problemWith(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'must be an object';
  const record = entry as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length) return `has unknown field(s) ${unknown.map((key) => `"${key}"`).join(', ')} (allowed: ${[...KNOWN_KEYS].join(', ')})`;
  if (typeof record.email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(record.email)) return '"email" must be an email address';
  if (typeof record.password !== 'string' || record.password === '') return '"password" must be a non-empty string';
  if (typeof record.name !== 'string' || record.name.trim() === '') return '"name" must be a non-empty string';
  if (
    record.groups !== undefined &&
    (!Array.isArray(record.groups) || record.groups.some((group) => typeof group !== 'string' || group.replace(/^\/+/, '') === ''))
  ) {
    return '"groups" must be an array of group names, e.g. ["teachers"]';
  }
  if (record.emailVerified !== undefined && typeof record.emailVerified !== 'boolean') return '"emailVerified" must be true or false';
  if (record.picture !== undefined && (typeof record.picture !== 'string' || !/^https?:\/\/\S+$/.test(record.picture))) {
    return '"picture" must be an http(s) URL';
  }
  if (record.claims !== undefined && (typeof record.claims !== 'object' || record.claims === null || Array.isArray(record.claims) || 'sub' in record.claims)) {
    return '"claims" must be an object of extra claims (not "sub"), e.g. { "roles": ["teachers"] }';
  }
  return undefined;
}

/**
 * Reads and validates a JSON users file: an array of
 * `{ email, password, name, groups?, emailVerified?, picture?, claims? }`.
 * Throws an Error naming the file and the first bad entry.
 */
export function loadUsersFile(path: string): DevIdpUser[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Development IdP users file ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`Development IdP users file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new Error(
      `Development IdP users file ${path} must hold a non-empty JSON array of users, ` +
        'e.g. [{ "email": "teacher@school.test", "password": "teacher", "name": "Tom Teacher", "groups": ["teachers"] }]',
    );
  }
  const seen = new Set<string>();
  return data.map((entry: unknown, index) => {
    const label =
      typeof entry === 'object' && entry !== null && typeof (entry as { email?: unknown }).email === 'string'
        ? `entry ${index + 1} ("${(entry as { email: string }).email}")`
        : `entry ${index + 1}`;
    const problem = problemWith(entry);
    if (problem) throw new Error(`Development IdP users file ${path}: ${label} ${problem}`);
    const record = entry as DevIdpUser;
    const email = record.email.trim();
    if (seen.has(email.toLowerCase())) throw new Error(`Development IdP users file ${path}: ${label} repeats an email address`);
    seen.add(email.toLowerCase());
    return {
      email,
      password: record.password,
      name: record.name.trim(),
      groups: (record.groups ?? []).map((group) => group.replace(/^\/+/, '')),
      ...(record.emailVerified !== undefined ? { emailVerified: record.emailVerified } : {}),
      ...(record.picture !== undefined ? { picture: record.picture } : {}),
      ...(record.claims !== undefined ? { claims: record.claims } : {}),
    };
  });
}
