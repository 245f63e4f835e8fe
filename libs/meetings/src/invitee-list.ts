import { isEmail } from 'class-validator';

export interface ParsedInvitee {
  email: string;
  name?: string;
  role: 'participant' | 'moderator';
}

export interface InviteeListProblem {
  /** 1-based line (or entry) number, as the person sees it. */
  line: number;
  text: string;
  /** English, for the API; pages say it in their language by `code` (and `email`). */
  message: string;
  code: 'email' | 'twice' | 'role';
  /** The address listed twice. */
  email?: string;
}

export interface InviteeListResult {
  invitees: ParsedInvitee[];
  problems: InviteeListProblem[];
}

const NAME_COMMA_EMAIL = /^\s*(?:"([^"@<>]+)"|([^"@,;<>]*[^"@,;<>\s][^"@,;<>]*))\s*[,;]\s*([^\s,;<>"]+@[^\s,;<>"]+)\s*$/;

/**
 * A pasted list: `Name <email>` or plain addresses, separated by commas, semicolons or new lines;
 * or CSV lines `name,email`.
 * Invalid entries and duplicates are reported one by one; the valid ones are kept.
 */
export function parseInviteeList(text: string, role: 'participant' | 'moderator' = 'participant'): InviteeListResult {
  const invitees: ParsedInvitee[] = [];
  const problems: InviteeListProblem[] = [];
  const seen = new Set<string>();
  const entries: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    // A CSV line "name,email" (a name has no @): one person, as "name <email>".
    const csvLine = NAME_COMMA_EMAIL.exec(lineText);
    if (csvLine) {
      entries.push({ line: index + 1, text: `${(csvLine[1] ?? csvLine[2]).trim()} <${csvLine[3]}>` });
      return;
    }
    // Split on , and ; that are not inside a quoted name.
    for (const part of lineText.match(/("[^"]*"|[^,;])+/g) ?? []) {
      if (part.trim()) entries.push({ line: index + 1, text: part.trim() });
    }
  });
  for (const entry of entries) {
    const match = /^(?:"?([^"<>]*?)"?\s*)?<\s*([^<>\s]+)\s*>$/.exec(entry.text);
    const email = (match ? match[2] : entry.text).trim().toLowerCase();
    const name = match?.[1]?.trim() || undefined;
    if (!isEmail(email)) {
      problems.push({ ...entry, code: 'email', message: 'not a valid email address' });
    } else if (seen.has(email)) {
      problems.push({ ...entry, code: 'twice', email, message: `${email} is listed twice` });
    } else {
      seen.add(email);
      invitees.push({ email, name, role });
    }
  }
  return { invitees, problems };
}

/** Splits one CSV line (RFC 4180 quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',' || char === ';') {
      fields.push(current.trim());
      current = '';
    } else current += char;
  }
  fields.push(current.trim());
  return fields;
}

/**
 * A CSV upload with the header `email,name,role` (any order; name and role optional). A wrong
 * header refuses the whole file; bad rows are reported by line and the good ones kept.
 */
export function parseInviteeCsv(text: string): InviteeListResult & { headerError?: string; headerFound?: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = csvFields(lines[0] ?? '').map((field) => field.toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const unknown = header.filter((field) => !['email', 'name', 'role'].includes(field));
  if (column('email') < 0 || unknown.length) {
    const found = lines[0]?.slice(0, 80) ?? '';
    return { invitees: [], problems: [], headerError: `the first line must be the header email,name,role (found: ${found})`, headerFound: found };
  }
  const invitees: ParsedInvitee[] = [];
  const problems: InviteeListProblem[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((line, index) => {
    if (!line.trim()) return;
    const fields = csvFields(line);
    const entry = { line: index + 2, text: line.slice(0, 200) };
    const email = (fields[column('email')] ?? '').toLowerCase();
    const name = column('name') >= 0 ? fields[column('name')] || undefined : undefined;
    const roleText = column('role') >= 0 ? (fields[column('role')] || 'participant').toLowerCase() : 'participant';
    const role = roleText === 'co-moderator' ? 'moderator' : roleText;
    if (!isEmail(email)) problems.push({ ...entry, code: 'email', message: 'not a valid email address' });
    else if (role !== 'participant' && role !== 'moderator') problems.push({ ...entry, code: 'role', message: 'role must be participant or moderator' });
    else if (seen.has(email)) problems.push({ ...entry, code: 'twice', email, message: `${email} is listed twice` });
    else {
      seen.add(email);
      invitees.push({ email, name, role });
    }
  });
  return { invitees, problems };
}
