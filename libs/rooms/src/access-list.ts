import { isEmail } from 'class-validator';

export type AccessKind = 'group' | 'user';
export type RoomAffiliation = 'member' | 'moderator';

/** One line of a room's access list. */
export interface AccessEntry {
  kind: AccessKind;
  /** `group`: a group/role name as User.idpRoles holds it (lower-case, no leading slash); `user`: an email, lower-case. */
  value: string;
  affiliation: RoomAffiliation;
}

export const ACCESS_KINDS: readonly AccessKind[] = ['group', 'user'];
export const ROOM_AFFILIATIONS: readonly RoomAffiliation[] = ['member', 'moderator'];
export const MAX_ACCESS_ENTRIES = 500;
const MAX_GROUP_LENGTH = 200;

/**
 * The form an entry's value is stored and compared in. Group names are normalised the way
 * rolesFromClaims normalises the IdP's claims ("/School/Teachers" → "school/teachers"), so an
 * entry matches exactly what a login put into User.idpRoles.
 */
export function normaliseAccessValue(kind: unknown, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const tidy = value.trim().replace(/\s+/g, ' ').toLowerCase();
  return kind === 'group' ? tidy.replace(/^\/+/, '') : tidy;
}

/** What is wrong with an (already normalised) value for its kind, or undefined. */
export function accessValueProblem(kind: unknown, value: unknown): string | undefined {
  if (typeof value !== 'string') return 'value must be a group name or an email address';
  if (kind === 'user')
    return isEmail(value) && value.length <= 254
      ? undefined
      : `"${value.slice(0, 80)}" is not an email address (user entries name a person by email, e.g. anna@school.test)`;
  if (kind !== 'group') return undefined; // the kind itself is reported on its own field
  if (!value) return 'a group entry needs a group name, e.g. teachers';
  if (value.length > MAX_GROUP_LENGTH) return `a group name has at most ${MAX_GROUP_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[,\u0000-\u001f\u007f]/.test(value) || value.endsWith('/')) return `"${value.slice(0, 80)}" is not a group name (no commas, no trailing /)`;
  return undefined;
}

/** `group:teachers moderator` — how an entry is written in the admin form and in messages. */
export function formatAccessEntry(entry: AccessEntry): string {
  return `${entry.kind}:${entry.value} ${entry.affiliation}`;
}

export function formatAccessList(entries: AccessEntry[]): string {
  return entries.map(formatAccessEntry).join('\n');
}

/** Entries naming the same group or person twice (each reported once, by its 0-based index). */
export function duplicateEntries(entries: Pick<AccessEntry, 'kind' | 'value'>[]): { index: number; kind: string; value: string }[] {
  const seen = new Set<string>();
  const duplicates: { index: number; kind: string; value: string }[] = [];
  entries.forEach((entry, index) => {
    const key = `${entry.kind}:${entry.value}`;
    if (seen.has(key)) duplicates.push({ index, kind: entry.kind, value: entry.value });
    seen.add(key);
  });
  return duplicates;
}

/** The person, as far as the access list cares. */
export interface RoomVisitor {
  email: string;
  emailVerified: boolean;
  /** Normalised group and role names from the IdP (User.idpRoles). */
  idpRoles: string[];
}

/**
 * The affiliation the list gives this person: `moderator` if any matching entry says so,
 * `member` if only member entries match, null if none does. A user entry matches only a
 * verified email (an unverified address proves nothing).
 */
export function affiliationFor(access: AccessEntry[], visitor: RoomVisitor): RoomAffiliation | null {
  const groups = new Set(visitor.idpRoles.map((role) => role.toLowerCase()));
  const email = visitor.email.toLowerCase();
  let found: RoomAffiliation | null = null;
  for (const entry of access) {
    const matches = entry.kind === 'group' ? groups.has(entry.value) : entry.kind === 'user' && visitor.emailVerified && entry.value === email;
    if (!matches) continue;
    if (entry.affiliation === 'moderator') return 'moderator';
    found = 'member';
  }
  return found;
}

export interface AccessListProblem {
  /** 1-based line number, as the admin sees it. */
  line: number;
  text: string;
  message: string;
}

/**
 * The admin form's text: one entry per line, `group:<name> [member|moderator]` or
 * `user:<email> [member|moderator]` (member when left out; a plain email counts as `user:`).
 * Blank lines and lines starting with # are skipped. Every bad line is reported on its own.
 */
export function parseAccessList(text: string): { entries: AccessEntry[]; problems: AccessListProblem[] } {
  const entries: AccessEntry[] = [];
  const problems: AccessListProblem[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineText = raw.trim();
    if (!lineText || lineText.startsWith('#')) return;
    const line = index + 1;
    const problem = (message: string) => problems.push({ line, text: lineText.slice(0, 120), message });
    const match = /^([A-Za-z]+)\s*:\s*(.*)$/.exec(lineText);
    let kind: string;
    let rest: string;
    if (match) {
      kind = match[1].toLowerCase();
      rest = match[2];
    } else if (isEmail(lineText.split(/\s+/)[0])) {
      kind = 'user';
      rest = lineText;
    } else {
      return problem('start the line with group: or user:, e.g. group:teachers moderator');
    }
    if (kind !== 'group' && kind !== 'user') return problem(`"${kind}:" is neither group: nor user:`);
    const words = rest.trim().split(/\s+/).filter(Boolean);
    let affiliation: RoomAffiliation = 'member';
    if (words.length >= 2) {
      const last = words[words.length - 1].toLowerCase();
      if (last !== 'member' && last !== 'moderator') return problem(`end the line with member or moderator (found "${words[words.length - 1].slice(0, 40)}")`);
      affiliation = last;
      words.pop();
    }
    const value = normaliseAccessValue(kind, words.join(' ')) as string;
    const wrong = accessValueProblem(kind, value);
    if (wrong) return problem(wrong);
    const key = `${kind}:${value}`;
    if (seen.has(key)) return problem(`${key} is listed twice`);
    seen.add(key);
    entries.push({ kind: kind as AccessKind, value, affiliation });
  });
  if (entries.length > MAX_ACCESS_ENTRIES) problems.push({ line: 0, text: '', message: `at most ${MAX_ACCESS_ENTRIES} entries` });
  return { entries, problems };
}

/** Room slugs are the readable slugs meetings use (see slugOf in @moderato/meetings). */
export { slugOf } from '@moderato/meetings';

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
