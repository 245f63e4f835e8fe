import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@moderato/jobs';
import { Outbox, type DueOutboxRow, type OutboxListener } from '@moderato/meetings';
import { MAIL_OPTIONS, type MailJob, type ResolvedMailOptions } from './mail.options';

/**
 * A key the relay keeps in Redis. Missing means Redis lost its data (restarted without
 * persistence, flushed, a fresh replica promoted): the jobs of `queued` rows are enqueued again.
 */
export const REDIS_DATA_MARKER = 'moderato:outbox-relay:data-marker';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms (is Redis reachable?)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Moves due outbox rows to the BullMQ `mail` queue. Outbox (libs/meetings) claims the rows with
 * FOR UPDATE SKIP LOCKED, so every worker can run the relay; the job id is the row id, so adding
 * twice is a no-op. The rows become `queued` only in the transaction that enqueued them: when
 * Redis is unreachable the transaction rolls back and the rows stay `pending` for the next round.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private generation = 0;
  private lastStuckCheck = Number.NEGATIVE_INFINITY;
  private lastFailure: string | undefined;
  /** The connection that LISTENs for new outbox rows (see the OutboxNotify migration). */
  private listener: OutboxListener | undefined;
  private listenRetry: NodeJS.Timeout | undefined;
  /** A notification came during a round: run again right after it. */
  private wakeRequested = false;

  constructor(
    private readonly outbox: Outbox,
    @InjectQueue(QUEUES.mail) private readonly queue: Queue<MailJob>,
    @Inject(MAIL_OPTIONS) private readonly options: ResolvedMailOptions,
  ) {}

  /** Enqueues up to `limit` due `pending` rows and `retrying` rows whose next attempt is due; returns how many. */
  relayDue(limit = 100): Promise<number> {
    return this.outbox.relayDue(limit, (rows) => this.enqueue(rows));
  }

  /**
   * Enqueues again the `queued` rows whose job no longer exists in Redis (e.g. Redis lost its
   * data), once they have been due for `stuckAfterMs`. Returns how many.
   */
  async requeueStuck(limit = 500): Promise<number> {
    return (await this.requeueMissing(this.options.stuckAfterMs, limit)).requeued;
  }

  /**
   * When Redis lost its data (REDIS_DATA_MARKER is gone), enqueues every `queued` row whose job is
   * gone, however young, then sets the marker again. Returns how many rows were enqueued again.
   */
  async recoverLostRedisData(): Promise<number> {
    // The client itself is a promise that waits for the connection: both under the time-out.
    const client = () => this.queue.getBackend().client;
    if (
      (await withTimeout(
        client().then((redis) => redis.get(REDIS_DATA_MARKER)),
        this.options.enqueueTimeoutMs,
        'reading the Redis data marker',
      )) !== null
    )
      return 0;
    let requeued = 0;
    let after = '';
    for (;;) {
      const page = await this.requeueMissing(0, 500, after);
      requeued += page.requeued;
      if (!page.last) break;
      after = page.last;
    }
    // Only after the sweep: a sweep cut short (Redis gone again) is done again next round.
    await withTimeout(
      // The marker's value is only for a person reading Redis; its presence is what counts.
      // eslint-disable-next-line no-restricted-syntax
      client().then((redis) => redis.set(REDIS_DATA_MARKER, new Date().toISOString())),
      this.options.enqueueTimeoutMs,
      'setting the Redis data marker',
    );
    if (requeued) this.logger.warn(`Redis lost its data: re-enqueued ${requeued} queued outbox row(s)`);
    return requeued;
  }

  /**
   * Enqueues again those of up to `limit` `queued` rows (due for `olderThanMs`, ids after `after`)
   * whose job is gone from Redis, or failed while the row was not marked failed (PostgreSQL was
   * unreachable when the job gave up). `last`: the last id looked at, when there may be more.
   */
  private async requeueMissing(olderThanMs: number, limit: number, after?: string): Promise<{ requeued: number; last?: string }> {
    return this.outbox.withQueued({ olderThanMs, limit, after }, async (rows) => {
      if (!rows.length) return { requeued: 0 };
      const last = rows.length === limit ? rows[rows.length - 1].id : undefined;
      const jobs = await withTimeout(Promise.all(rows.map((row) => this.queue.getJob(row.id))), this.options.enqueueTimeoutMs, 'looking up mail jobs');
      const failed = await withTimeout(Promise.all(jobs.map((job) => job?.isFailed() ?? true)), this.options.enqueueTimeoutMs, 'looking up mail jobs');
      const lost = rows.filter((_row, index) => failed[index]);
      if (!lost.length) return { requeued: 0, last };
      await this.enqueue(lost);
      if (after === undefined) this.logger.warn(`re-enqueued ${lost.length} outbox row(s) whose job was gone from Redis`);
      return { requeued: lost.length, last };
    });
  }

  /** Adds jobs for `rows`; returns the rows added (not those whose previous job is still finishing). */
  private async enqueue(rows: DueOutboxRow[]): Promise<DueOutboxRow[]> {
    const work = async () => {
      // A row sent again after a final failure (resend) or due for its next attempt still has its
      // old, finished job under the same id; remove it, or the add would be a no-op. A job still
      // active (it has just scheduled the retry and is completing) is left: the row stays due for
      // the next round.
      const existing = await Promise.all(rows.map((row) => this.queue.getJob(row.id)));
      const busy = new Set<string>();
      for (const [index, job] of existing.entries()) {
        if (job && ((await job.isFailed()) || (await job.isCompleted()))) await job.remove();
        else if (job && (await job.isActive())) busy.add(rows[index].id);
      }
      const added = rows.filter((row) => !busy.has(row.id));
      await this.queue.addBulk(
        added.map((row) => ({
          name: row.kind,
          data: { outboxId: row.id },
          opts: {
            jobId: row.id,
            attempts: this.options.attempts,
            backoff: { type: 'exponential', delay: this.options.retryDelayMs },
          },
        })),
      );
      return added;
    };
    return withTimeout(work(), this.options.enqueueTimeoutMs, 'adding mail jobs');
  }

  /** Relays until nothing is due (and looks for stuck rows now and then). */
  async runOnce(): Promise<number> {
    let total = 0;
    try {
      total += await this.recoverLostRedisData();
      for (;;) {
        const count = await this.relayDue(100);
        total += count;
        if (count < 100 || this.stopped) break;
      }
      if (performance.now() - this.lastStuckCheck >= this.options.stuckCheckIntervalMs) {
        this.lastStuckCheck = performance.now();
        total += await this.requeueStuck();
      }
      if (this.lastFailure) this.logger.log('outbox relay works again');
      this.lastFailure = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Log a failure once, not on every round while Redis or PostgreSQL is down.
      if (message !== this.lastFailure) this.logger.warn(`outbox relay failed, rows stay pending: ${message}`);
      this.lastFailure = message;
    }
    return total;
  }

  /**
   * Starts the polling loop (the worker does this at boot unless pollIntervalMs is 0) and listens
   * for new rows, which start a round at once.
   */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.generation += 1;
    this.schedule(0, this.generation);
    void this.listen(this.generation);
  }

  /** Stops the loop and the listening, and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.listenRetry) clearTimeout(this.listenRetry);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close().catch(() => undefined);
    await this.running;
  }

  /** A round now: at once when idle, right after the current one when busy. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0, this.generation);
  }

  /** LISTEN on a connection of its own (not from the pool); reconnects while the relay runs. */
  private async listen(generation: number): Promise<void> {
    let listener: OutboxListener | undefined;
    const retry = () => {
      if (listener && this.listener === listener) this.listener = undefined;
      if (this.stopped || generation !== this.generation || this.listenRetry) return;
      this.listenRetry = setTimeout(() => {
        this.listenRetry = undefined;
        void this.listen(generation);
      }, 5_000);
      this.listenRetry.unref();
    };
    try {
      // Polling goes on meanwhile; a lost connection is opened again.
      listener = await this.outbox.listen(() => this.wake(), retry);
    } catch {
      retry();
      return;
    }
    if (this.stopped || generation !== this.generation) {
      await listener.close().catch(() => undefined);
      return;
    }
    this.listener = listener;
    // Rows saved while not listening: the next round (at most one poll away) finds them.
    this.wake();
  }

  onApplicationBootstrap(): void {
    if (this.options.pollIntervalMs > 0) this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  private schedule(delay: number, generation: number): void {
    if (this.stopped || generation !== this.generation) return;
    this.timer = setTimeout(() => {
      this.running = (this.running ?? Promise.resolve())
        .then(() => this.runOnce())
        .then(() => {
          this.running = undefined;
          const again = this.wakeRequested;
          this.wakeRequested = false;
          this.schedule(again ? 0 : this.options.pollIntervalMs, generation);
        });
    }, delay);
    this.timer.unref();
  }
}
