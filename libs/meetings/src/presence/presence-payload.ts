/**
 * The JSON bodies Jitsi's event_sync Prosody component (jitsi-contrib/prosody-plugins) posts,
 * read as a real Prosody sends them: keys in any order, unknown keys accepted (include_user_info
 * copies every context.user key), timestamps in whole seconds, `all_occupants` an empty object
 * (`{}`, Lua's empty table) instead of `[]`, occupants without `left_at` on room destroyed.
 */

export type PresenceEventKind = 'room/created' | 'room/destroyed' | 'occupant/joined' | 'occupant/left';
export const PRESENCE_EVENT_KINDS: readonly PresenceEventKind[] = ['room/created', 'room/destroyed', 'occupant/joined', 'occupant/left'];

export interface PresenceOccupant {
  occupantJid: string;
  /** context.user.id (Moderato's user id; `guest-…` for a guest); null without token info. */
  userId: string | null;
  name: string;
  email: string;
  joinedAt: Date | null;
  leftAt: Date | null;
}

export interface PresenceEvent {
  kind: PresenceEventKind;
  /** The main room's name, lower-case. */
  roomName: string;
  /** The breakout room's id, '' for the main room. */
  breakoutRoom: string;
  /** room/created: created_at; room/destroyed: destroyed_at; occupant events: their own time. */
  at: Date | null;
  occupant: PresenceOccupant | null;
  /** room/destroyed only. */
  allOccupants: PresenceOccupant[];
}

export type ParsedPresence = { ok: true; event: PresenceEvent } | { ok: false; problems: string[] };

const MAX_TEXT = 512;
/** 2001-09-09 … 2286-11-20: a Unix time in seconds, not milliseconds. */
const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 1e9 && value < 1e10;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, max = MAX_TEXT) => (typeof value === 'string' ? value.slice(0, max) : typeof value === 'number' ? String(value) : '');
const secondsAt = (value: number) => new Date(Math.floor(value) * 1000);

/** A full JID (`node@domain/resource`) or at least `node@domain`: no spaces, at most 512 characters. */
const JID = /^[^\s@/]+@[^\s@/]+(\/\S+)?$/;

function occupantOf(value: unknown, where: string, problems: string[], needs: { joined: boolean; left: boolean }): PresenceOccupant | null {
  if (!isRecord(value)) {
    problems.push(`${where} must be an object`);
    return null;
  }
  const jid = value.occupant_jid;
  if (typeof jid !== 'string' || jid.length > MAX_TEXT || !JID.test(jid)) problems.push(`${where}.occupant_jid must be a JID (user@domain/resource)`);
  for (const [key, needed] of [
    ['joined_at', needs.joined],
    ['left_at', needs.left],
  ] as const) {
    const at = value[key];
    if ((at !== undefined && at !== null) || needed) {
      if (!isSeconds(at)) problems.push(`${where}.${key} must be a Unix time in seconds`);
    }
  }
  const id = text(value.id, 256).trim();
  return {
    occupantJid: typeof jid === 'string' ? jid : '',
    userId: id || null,
    name: text(value.name, 200).trim(),
    email: text(value.email, 254).trim().toLowerCase(),
    joinedAt: isSeconds(value.joined_at) ? secondsAt(value.joined_at) : null,
    leftAt: isSeconds(value.left_at) ? secondsAt(value.left_at) : null,
  };
}

/** The room's main name: `room_name`, else the node of `room_jid`; lower-case. */
function roomNameOf(body: Record<string, unknown>): string {
  const name = typeof body.room_name === 'string' ? body.room_name : typeof body.room_jid === 'string' ? body.room_jid.split('@')[0] : '';
  return name.trim().toLowerCase();
}

/** Reads one event's body; `problems` name the fields that are wrong (a 400). */
export function parsePresenceEvent(kind: PresenceEventKind, body: unknown): ParsedPresence {
  if (!isRecord(body)) return { ok: false, problems: ['body must be a JSON object'] };
  const problems: string[] = [];
  const roomName = roomNameOf(body);
  if (!roomName || roomName.length > 256 || /\s/.test(roomName)) problems.push('room_name must be a room name (or room_jid a room JID)');
  if (body.is_breakout !== undefined && typeof body.is_breakout !== 'boolean') problems.push('is_breakout must be true or false');
  let breakoutRoom = '';
  if (body.is_breakout === true) {
    breakoutRoom = typeof body.breakout_room_id === 'string' ? body.breakout_room_id.trim().toLowerCase() : '';
    if (!breakoutRoom || breakoutRoom.length > 256) problems.push('breakout_room_id must name the breakout room when is_breakout is true');
  }
  let at: Date | null = null;
  let occupant: PresenceOccupant | null = null;
  const allOccupants: PresenceOccupant[] = [];
  if (kind === 'room/created') {
    if (body.created_at !== undefined && !isSeconds(body.created_at)) problems.push('created_at must be a Unix time in seconds');
    at = isSeconds(body.created_at) ? secondsAt(body.created_at) : null;
  } else if (kind === 'room/destroyed') {
    if (!isSeconds(body.destroyed_at)) problems.push('destroyed_at must be a Unix time in seconds');
    else at = secondsAt(body.destroyed_at);
    const all = body.all_occupants;
    // Lua encodes an empty table as {}: a room nobody joined.
    const list = Array.isArray(all) ? all : isRecord(all) ? Object.values(all) : all === undefined || all === null ? [] : null;
    if (!list) problems.push('all_occupants must be a list');
    else
      list.forEach((entry, index) => {
        const parsed = occupantOf(entry, `all_occupants[${index}]`, problems, { joined: true, left: false });
        if (parsed) allOccupants.push(parsed);
      });
  } else {
    occupant = occupantOf(body.occupant, 'occupant', problems, { joined: kind === 'occupant/joined', left: kind === 'occupant/left' });
    at = kind === 'occupant/joined' ? (occupant?.joinedAt ?? null) : (occupant?.leftAt ?? null);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, event: { kind, roomName, breakoutRoom, at, occupant, allOccupants } };
}
