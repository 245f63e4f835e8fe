import type { PresenceRow } from './presence.store';

export interface AttendanceInvitee {
  id: string;
  email: string;
  name: string;
  role: string;
  boundUserId: string | null;
  revoked: boolean;
}

export interface Attendee {
  userId: string | null;
  email: string;
  name: string;
  /** organizer, moderator, participant, guest, or other (in the room without an invitation). */
  role: string;
  firstJoinedAt: string;
  /** null while still in the room. */
  lastLeftAt: string | null;
  /** Time in the room (main and breakout rooms), overlapping connections counted once. */
  seconds: number;
  connections: number;
  present: boolean;
}

export interface Absentee {
  email: string;
  name: string;
  role: string;
}

/** Seconds covered by the union of these intervals. */
export function unionSeconds(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let start = -Infinity;
  let end = -Infinity;
  for (const [from, to] of sorted) {
    if (from > end) {
      if (end > start) total += end - start;
      start = from;
      end = to;
    } else if (to > end) end = to;
  }
  if (end > start) total += end - start;
  return Math.round(total / 1000);
}

const isGuestId = (id: string | null) => !id || id.startsWith('guest-');

/**
 * Who was in the room for one date: connections grouped by person (members by their user id,
 * guests by their name), matched to the invitations; everyone invited and never seen is absent.
 */
export function attendanceOf(
  rows: PresenceRow[],
  invitees: AttendanceInvitee[],
  organizer: { id: string | null; email: string; name: string },
  now: Date,
): { attendees: Attendee[]; absent: Absentee[] } {
  const groups = new Map<string, PresenceRow[]>();
  for (const row of rows) {
    const key = isGuestId(row.userId) ? `g:${row.name.trim().toLowerCase() || row.occupantJid}` : `u:${row.userId}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const seen = new Set<string>();
  const attendees: Attendee[] = [];
  for (const [key, list] of groups) {
    const first = list[0];
    const userId = key.startsWith('u:') ? first.userId : null;
    const email = list.find((row) => row.email)?.email ?? '';
    // A guest's token id names the first 8 characters of the invitation whose link was used.
    const prefixes = list.map((row) => /^guest-([0-9a-f]{8})-/.exec(row.userId ?? '')?.[1]).filter(Boolean);
    const invitation = userId
      ? (invitees.find((i) => i.boundUserId === userId) ?? (email ? invitees.find((i) => i.email === email) : undefined))
      : invitees.find((i) => prefixes.some((p) => i.id.startsWith(p!)));
    if (invitation) seen.add(invitation.id);
    const role = userId && userId === organizer.id ? 'organizer' : userId ? (invitation?.role ?? 'other') : 'guest';
    const open = list.some((row) => !row.leftAt);
    const intervals = list.map((row): [number, number] => [new Date(row.joinedAt).getTime(), row.leftAt ? new Date(row.leftAt).getTime() : now.getTime()]);
    const lastLeft = open ? null : Math.max(...intervals.map((i) => i[1]));
    attendees.push({
      userId,
      email: email || (userId ? (invitation?.email ?? '') : ''),
      name: first.name || invitation?.name || '',
      role,
      firstJoinedAt: new Date(Math.min(...intervals.map((i) => i[0]))).toISOString(),
      lastLeftAt: lastLeft === null ? null : new Date(lastLeft).toISOString(),
      seconds: unionSeconds(intervals),
      connections: list.length,
      present: open,
    });
  }
  attendees.sort((a, b) => a.firstJoinedAt.localeCompare(b.firstJoinedAt) || a.name.localeCompare(b.name));
  const absent = invitees
    .filter((i) => !i.revoked && !seen.has(i.id))
    .map((i) => ({ email: i.email, name: i.name, role: i.role }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  return { attendees, absent };
}

/** CSV of a date's attendance (RFC 4180, formula-safe), attendees then the absent. */
export function attendanceCsv(occurrence: string, result: { attendees: Attendee[]; absent: Absentee[] }): string {
  const cell = (value: string | number | boolean | null) => {
    let text = value === null ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [['occurrence', 'status', 'name', 'email', 'role', 'first_joined_at', 'last_left_at', 'seconds', 'connections'].join(',')];
  for (const a of result.attendees) {
    lines.push(
      [occurrence, a.present ? 'present_now' : 'attended', a.name, a.email, a.role, a.firstJoinedAt, a.lastLeftAt, a.seconds, a.connections]
        .map(cell)
        .join(','),
    );
  }
  for (const a of result.absent) lines.push([occurrence, 'absent', a.name, a.email, a.role, '', '', 0, 0].map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
