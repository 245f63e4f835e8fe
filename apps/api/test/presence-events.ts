import request from 'supertest';
import type { App } from 'supertest/types';

/**
 * Events as Jitsi's event_sync Prosody component posts them (its README and what a real Prosody
 * 0.12 sent): JSON with keys in Lua's table order (not ours), the full JID of the connection,
 * whole seconds, the User-Agent of Prosody, the bearer header of `api_headers`.
 */
export const PROSODY_USER_AGENT = 'Prosody (0.12.4; posix)';

export interface OccupantFacts {
  jid: string;
  joined?: number;
  left?: number;
  /** context.user (with include_user_info every key of it is copied). */
  user?: Record<string, unknown>;
}

const occupantJson = (o: OccupantFacts) => ({
  ...(o.user ?? {}),
  occupant_jid: o.jid,
  ...(o.joined !== undefined ? { joined_at: o.joined } : {}),
  ...(o.left !== undefined ? { left_at: o.left } : {}),
});

/** The room attributes event_sync adds to every payload (breakouts name their main room). */
const roomJson = (room: string, breakout?: string) => ({
  room_jid: `${room}@muc.meet.jitsi`,
  is_breakout: breakout !== undefined,
  ...(breakout ? { breakout_room_id: breakout } : {}),
  room_name: room,
});

export const joined = (room: string, o: OccupantFacts, count: number, breakout?: string) =>
  JSON.stringify({ occupant: occupantJson(o), active_occupants_count: count, event_name: 'muc-occupant-joined', ...roomJson(room, breakout) });

export const left = (room: string, o: OccupantFacts, count: number, breakout?: string) =>
  JSON.stringify({ event_name: 'muc-occupant-left', active_occupants_count: count, ...roomJson(room, breakout), occupant: occupantJson(o) });

export const created = (room: string, at: number, breakout?: string) =>
  JSON.stringify({ created_at: at, event_name: 'muc-room-created', ...roomJson(room, breakout) });

/** `all_occupants` as Lua's json.encode writes it: `{}` for an empty table. */
export const destroyed = (room: string, createdAt: number, destroyedAt: number, all: OccupantFacts[], breakout?: string) =>
  `{"destroyed_at":${destroyedAt},"all_occupants":${all.length ? JSON.stringify(all.map(occupantJson)) : '{}'},"event_name":"muc-room-destroyed","created_at":${createdAt},${JSON.stringify(roomJson(room, breakout)).slice(1)}`;

/** POSTs one event to `<api_prefix>/events/<path>` as Prosody's net.http does. */
export function post(server: App, apiPath: string, path: string, body: string, secret: string | null) {
  const req = request(server).post(`${apiPath}/events/${path}`).set('User-Agent', PROSODY_USER_AGENT).set('Content-Type', 'application/json');
  return (secret === null ? req : req.set('Authorization', `Bearer ${secret}`)).send(body);
}

/** A full JID of a connection: `<uuid>@<domain>/<resource>`. */
export const jidOf = (uuid: string, resource: string) => `${uuid}@meet.jitsi/${resource}`;
