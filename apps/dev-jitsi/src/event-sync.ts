import { randomUUID } from 'node:crypto';

/** Where the stand-in reports presence: a Jitsi server's `api_prefix` and its bearer secret. */
export interface EventSyncOptions {
  apiPrefix: string;
  secret: string;
  /** Tests may count or fail requests; default the global fetch. */
  fetch?: typeof fetch;
  /** Retries on 5xx or a network error, as the component's api_retry_count (default 3). */
  retries?: number;
  retryDelayMs?: number;
}

interface Connection {
  jid: string;
  user: { id?: string; name?: string; email?: string };
  joinedAt: number;
  leftAt?: number;
}

/** The User-Agent net.http sends from Prosody 0.12. */
const USER_AGENT = 'Prosody (0.12.4; posix)';

/**
 * What Jitsi's event_sync Prosody component (jitsi-contrib/prosody-plugins) would post for the
 * stand-in's rooms, in its format: the room attributes, the occupant's full JID
 * (`<uuid>@<domain>/<resource>`), whole seconds, `all_occupants` as `{}` when empty, and — as a
 * real Prosody does when a user empties the room — `room/destroyed` (without that user's
 * `left_at`) before the user's `occupant/left`. Posted one after another, retried on 5xx.
 */
export class EventSync {
  private readonly rooms = new Map<string, { createdAt: number; all: Map<string, Connection>; active: Set<string> }>();
  private queue: Promise<void> = Promise.resolve();
  /** Failed after every retry (the stand-in logs nothing: Prosody would only log a warning). */
  failures = 0;

  constructor(
    private readonly options: EventSyncOptions,
    private readonly domain: string,
  ) {}

  /** A person entered `room` at `now` (seconds); returns the connection's JID. */
  joined(room: string, user: Connection['user'], now: number): string {
    let state = this.rooms.get(room);
    if (!state) {
      state = { createdAt: now, all: new Map(), active: new Set() };
      this.rooms.set(room, state);
      this.post('room/created', { event_name: 'muc-room-created', created_at: now, ...this.roomFields(room) });
    }
    const jid = `${randomUUID()}@${this.domain}/${randomUUID().slice(0, 8)}`;
    state.all.set(jid, { jid, user, joinedAt: now });
    state.active.add(jid);
    this.post('occupant/joined', {
      event_name: 'muc-occupant-joined',
      occupant: this.occupantFields(state.all.get(jid)!),
      active_occupants_count: state.active.size,
      ...this.roomFields(room),
    });
    return jid;
  }

  /** The connection `jid` left `room` at `now` (seconds). */
  left(room: string, jid: string, now: number): void {
    const state = this.rooms.get(room);
    const connection = state?.all.get(jid);
    if (!state || !connection || !state.active.has(jid)) return;
    state.active.delete(jid);
    if (!state.active.size) {
      // The room is destroyed while its last occupant is still leaving: no left_at for them yet.
      this.rooms.delete(room);
      this.post('room/destroyed', {
        event_name: 'muc-room-destroyed',
        created_at: state.createdAt,
        destroyed_at: now,
        all_occupants: [...state.all.values()].map((c) => this.occupantFields(c)),
        ...this.roomFields(room),
      });
    }
    connection.leftAt = now;
    this.post('occupant/left', {
      event_name: 'muc-occupant-left',
      occupant: this.occupantFields(connection),
      active_occupants_count: state.active.size,
      ...this.roomFields(room),
    });
  }

  /** Resolves when every event so far was delivered (or given up). */
  flush(): Promise<void> {
    return this.queue;
  }

  private roomFields(room: string) {
    return { room_name: room, room_jid: `${room}@conference.${this.domain}`, is_breakout: false };
  }

  private occupantFields(c: Connection) {
    return {
      ...(c.user.name !== undefined ? { name: c.user.name } : {}),
      ...(c.user.email !== undefined ? { email: c.user.email } : {}),
      ...(c.user.id !== undefined ? { id: c.user.id } : {}),
      occupant_jid: c.jid,
      joined_at: c.joinedAt,
      ...(c.leftAt !== undefined ? { left_at: c.leftAt } : {}),
    };
  }

  private post(path: string, payload: Record<string, unknown>): void {
    // Lua's json.encode writes an empty table as {}.
    const body = JSON.stringify(payload).replace('"all_occupants":[]', '"all_occupants":{}');
    this.queue = this.queue.then(() => this.deliver(`${this.options.apiPrefix}/events/${path}`, body, this.options.retries ?? 3));
  }

  private async deliver(url: string, body: string, retries: number): Promise<void> {
    const send = this.options.fetch ?? fetch;
    for (let attempt = 0; ; attempt++) {
      let status: number;
      try {
        const res = await send(url, {
          method: 'POST',
          headers: { 'User-Agent': USER_AGENT, 'Content-Type': 'application/json', Authorization: `Bearer ${this.options.secret}` },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      if (status !== 0 && status < 500) return;
      if (attempt >= retries) {
        this.failures++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1000));
    }
  }
}
