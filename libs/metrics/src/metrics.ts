import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MODERATO_VERSION } from './version';

/** Who a join's token makes the person in the room (libs/jitsi's Affiliation, repeated: no edge to jitsi). */
export type JoinAffiliation = 'owner' | 'moderator' | 'member';
/** How the token was asked for: a personal link, a guest on a link, the organizer's Start. */
export type JoinPath = 'link' | 'guest' | 'start';
export type SignInMethod = 'oidc' | 'ldap';
/** success: a session; failed: a check failed (wrong password, bad callback); refused: the account or a pause. */
export type SignInResult = 'success' | 'failed' | 'refused';

/** The outbox as the database says at scrape time (meetings' Outbox.mailCounts()). */
export interface OutboxSnapshot {
  /** Rows per status: pending, queued, retrying, sent, failed. */
  byStatus: Readonly<Record<string, number>>;
  /** Rows due and not yet sent (pending or queued past their time, retrying). */
  backlog: number;
  /** Seconds since the oldest of those became due; 0 when none waits. */
  oldestPendingSeconds: number;
}

/** The workers' heartbeats at scrape time (jobs' WorkerHeartbeatsStore.status()). */
export interface WorkersSnapshot {
  live: number;
  /** Seconds since the freshest heartbeat; null when no worker ever wrote one. */
  lastSeenSeconds: number | null;
}

const OUTBOX_STATUSES = ['pending', 'queued', 'retrying', 'sent', 'failed'];

/**
 * Moderato's Prometheus series, in a registry of their own (not prom-client's global one, so
 * nothing a dependency registers leaks into /metrics). Counters count in this process (each api
 * replica has its own; Prometheus adds them up); gauges are set from the database at scrape time,
 * so every replica reports the same outbox and worker figures.
 */
export class ModeratoMetrics {
  readonly registry = new Registry();

  private readonly joins = new Counter({
    name: 'moderato_joins_total',
    help: 'Jitsi tokens minted for a join, by affiliation (owner, moderator, member) and path (link, guest, start).',
    labelNames: ['affiliation', 'path'] as const,
    registers: [this.registry],
  });

  private readonly refusedJoins = new Counter({
    name: 'moderato_joins_refused_total',
    help: 'Personal links refused, by reason (revoked, cancelled, identity_email, identity_unverified, identity_bound).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly presenceEvents = new Counter({
    name: 'moderato_presence_events_total',
    help: 'Events from Jitsi event_sync components, by event (room_created, room_destroyed, occupant_joined, occupant_left) and result (recorded, unknown_server, unknown_room, no_secret, bad_secret, malformed).',
    labelNames: ['event', 'result'] as const,
    registers: [this.registry],
  });

  private readonly signIns = new Counter({
    name: 'moderato_sign_ins_total',
    help: 'Sign-ins by method (oidc, ldap) and result (success, failed, refused).',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'moderato_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern (never the URL: /j/:code, not the code) and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly outboxMessages = new Gauge({
    name: 'moderato_mail_messages',
    help: 'Mails in the outbox by status (pending, queued, retrying, sent, failed), read from the database at scrape time.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  private readonly outboxBacklog = new Gauge({
    name: 'moderato_outbox_backlog',
    help: 'Mails due and not yet sent (pending or queued past their time, retrying after a temporary SMTP failure).',
    registers: [this.registry],
  });

  private readonly outboxOldest = new Gauge({
    name: 'moderato_outbox_oldest_pending_seconds',
    help: 'Seconds since the oldest mail still waiting became due; 0 when none waits.',
    registers: [this.registry],
  });

  private readonly workerAge = new Gauge({
    name: 'moderato_worker_heartbeat_age_seconds',
    help: 'Seconds since the freshest worker heartbeat; +Inf when no worker ever reported (mail is not being sent).',
    registers: [this.registry],
  });

  private readonly workersLive = new Gauge({
    name: 'moderato_workers_live',
    help: 'Workers whose heartbeat is fresh (written in the last 30 s).',
    registers: [this.registry],
  });

  constructor() {
    new Gauge({
      name: 'moderato_build_info',
      help: 'The running release (always 1; the version is the label).',
      labelNames: ['version'] as const,
      registers: [this.registry],
    }).set({ version: MODERATO_VERSION }, 1);
  }

  joinIssued(affiliation: JoinAffiliation, path: JoinPath): void {
    this.joins.inc({ affiliation, path });
  }

  joinRefused(reason: string): void {
    this.refusedJoins.inc({ reason });
  }

  presenceEvent(event: string, result: 'recorded' | 'unknown_server' | 'unknown_room' | 'no_secret' | 'bad_secret' | 'malformed'): void {
    this.presenceEvents.inc({ event, result });
  }

  signIn(method: SignInMethod, result: SignInResult): void {
    this.signIns.inc({ method, result });
  }

  /** `route`: the matched route's pattern, or `unmatched`; never the raw path (link codes). */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** The scrape-time figures, then the text Prometheus reads. */
  async render(outbox: OutboxSnapshot, workers: WorkersSnapshot): Promise<string> {
    for (const status of new Set([...OUTBOX_STATUSES, ...Object.keys(outbox.byStatus)])) this.outboxMessages.set({ status }, outbox.byStatus[status] ?? 0);
    this.outboxBacklog.set(outbox.backlog);
    this.outboxOldest.set(outbox.oldestPendingSeconds);
    this.workerAge.set(workers.lastSeenSeconds ?? Number.POSITIVE_INFINITY);
    this.workersLive.set(workers.live);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * The process's one set of series. A plain object, not a Nest provider: the services that count
 * (JoinService, SignInService) call it in one line, and the libs' own test modules need no
 * metrics module to build them.
 */
export const metrics = new ModeratoMetrics();
