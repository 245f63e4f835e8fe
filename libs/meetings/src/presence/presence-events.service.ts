import { Inject, Injectable, Optional } from '@nestjs/common';
import { JitsiEventsSecrets } from '@moderato/jitsi';
import { metrics } from '@moderato/metrics';
import { parsePresenceEvent, type PresenceEventKind } from './presence-payload';
import { PRESENCE_ROOM_DIRECTORY, type PresenceRoomDirectory } from './presence-room-directory';
import { PresenceStore } from './presence.store';

/** How long a process remembers that a room is Moderato's (known: 60 s) or not (5 s: a meeting may be created). */
const KNOWN_MS = 60_000;
const UNKNOWN_MS = 5_000;

/** What an event endpoint answers: 204 recorded, else a 4xx with why (never the secret). */
export type PresenceEventOutcome =
  | { status: 204; result: 'recorded' }
  | { status: 404; result: 'unknown_server' }
  | { status: 404; result: 'unknown_room' }
  | { status: 403; result: 'no_secret' }
  | { status: 401; result: 'bad_secret' }
  | { status: 400; result: 'malformed'; problems: string[] };

const metricName = (kind: PresenceEventKind) => kind.replace('/', '_');

/**
 * Events of Jitsi's event_sync component for one server: the bearer secret checked in constant
 * time (its hash cached a few seconds), the body read as Prosody sends it, then one statement.
 * Idempotent: a retried or duplicated event changes nothing; order does not matter.
 */
@Injectable()
export class PresenceEventsService {
  private readonly rooms = new Map<string, { at: number; known: boolean }>();

  constructor(
    private readonly secrets: JitsiEventsSecrets,
    private readonly store: PresenceStore,
    // Provided by RoomsModule (permanent rooms); without it only meetings' rooms are known.
    @Optional() @Inject(PRESENCE_ROOM_DIRECTORY) private readonly roomDirectory?: PresenceRoomDirectory,
  ) {}

  async receive(serverId: string, kind: PresenceEventKind, authorization: string | undefined, body: unknown): Promise<PresenceEventOutcome> {
    const outcome = await this.handle(serverId, kind, authorization, body);
    metrics.presenceEvent(metricName(kind), outcome.result);
    return outcome;
  }

  private async handle(serverId: string, kind: PresenceEventKind, authorization: string | undefined, body: unknown): Promise<PresenceEventOutcome> {
    const check = await this.secrets.check(serverId, authorization);
    if (check === 'unknown_server') return { status: 404, result: 'unknown_server' };
    if (check === 'not_set') return { status: 403, result: 'no_secret' };
    if (check === 'bad_secret') return { status: 401, result: 'bad_secret' };
    const parsed = parsePresenceEvent(kind, body);
    if (!parsed.ok) return { status: 400, result: 'malformed', problems: parsed.problems };
    const event = parsed.event;
    if (!(await this.known(serverId, event.roomName))) return { status: 404, result: 'unknown_room' };
    if (kind === 'occupant/joined' || kind === 'occupant/left') {
      await this.store.recordOccupant(serverId, event.roomName, event.breakoutRoom, event.occupant!, kind === 'occupant/left' ? 'left' : null);
    } else if (kind === 'room/destroyed') {
      await this.store.recordDestroyed(serverId, event.roomName, event.breakoutRoom, event.at!, event.allOccupants);
    }
    // room/created: nothing to store (a room without occupants has no attendance).
    return { status: 204, result: 'recorded' };
  }

  /** A meeting's or a permanent room's (cached: most events are for rooms seen seconds ago). */
  private async known(serverId: string, roomName: string): Promise<boolean> {
    const key = `${serverId} ${roomName}`;
    const now = performance.now();
    const cached = this.rooms.get(key);
    if (cached && now - cached.at < (cached.known ? KNOWN_MS : UNKNOWN_MS)) return cached.known;
    const known = (await this.store.meetingRoomExists(serverId, roomName)) || ((await this.roomDirectory?.hasRoom(serverId, roomName)) ?? false);
    if (this.rooms.size > 10_000) this.rooms.clear();
    this.rooms.set(key, { at: now, known });
    return known;
  }
}
