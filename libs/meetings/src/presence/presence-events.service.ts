import { Injectable } from '@nestjs/common';
import { JitsiEventsSecrets } from '@moderato/jitsi';
import { metrics } from '@moderato/metrics';
import { parsePresenceEvent, type PresenceEventKind } from './presence-payload';
import { PresenceStore } from './presence.store';

/** What an event endpoint answers: 204 recorded, else a 4xx with why (never the secret). */
export type PresenceEventOutcome =
  | { status: 204; result: 'recorded' }
  | { status: 404; result: 'unknown_server' }
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
  constructor(
    private readonly secrets: JitsiEventsSecrets,
    private readonly store: PresenceStore,
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
    if (kind === 'occupant/joined' || kind === 'occupant/left') {
      await this.store.recordOccupant(serverId, event.roomName, event.breakoutRoom, event.occupant!, kind === 'occupant/left' ? 'left' : null);
    } else if (kind === 'room/destroyed') {
      await this.store.recordDestroyed(serverId, event.roomName, event.breakoutRoom, event.at!, event.allOccupants);
    }
    // room/created: nothing to store (a room without occupants has no attendance).
    return { status: 204, result: 'recorded' };
  }
}
