import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectQueue, WorkerHost } from '@nestjs/bullmq';
import type { Queue, Worker } from 'bullmq';
import { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { QUEUES, WorkerHeartbeatsStore } from '@moderato/jobs';

export const LIVENESS_OPTIONS = Symbol('LIVENESS_OPTIONS');

export interface LivenessOptions {
  /** How often the worker checks its parts and writes its heartbeat. Default 5 s (1 s while failing). */
  intervalMs?: number;
}

export interface LivenessReport {
  status: 'ok' | 'failing';
  worker: string;
  /** The last check that found PostgreSQL, Redis and the queue workers fine. */
  lastHealthyAt: string | null;
  problems: string[];
}

/** The same id HealthProcessor answers pings with. */
export const WORKER_ID = `${hostname()}:${process.pid}`;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The worker's liveness. Every few seconds it pings Redis, checks that its queue workers run, and
 * writes its heartbeat row (worker_heartbeats, read by `moderato doctor` and the admin dashboard)
 * — which is also the PostgreSQL check. While PostgreSQL cannot be reached the queue workers are
 * paused, so jobs do not use up their attempts on a database that is not there; they resume at
 * the first good check. With WORKER_HEALTH_PORT set, GET /healthz answers 200 while the worker
 * can process jobs and 503 once it could not for 15 s.
 */
@Injectable()
export class LivenessService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Liveness');
  private readonly intervalMs: number;
  private readonly startedAt: Date;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private stopped = false;
  private server: Server | undefined;
  private lastHealthyAt: Date | undefined;
  /** performance.now() of the last healthy check: the grace period is elapsed time, not wall time. */
  private lastHealthyMark: number | undefined;
  private problems: string[] = ['starting'];
  /** Workers this service paused because PostgreSQL was unreachable. */
  private readonly paused = new Set<Worker>();

  constructor(
    private readonly heartbeats: WorkerHeartbeatsStore,
    @InjectQueue(QUEUES.health) private readonly queue: Queue,
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    @Inject(LIVENESS_OPTIONS) options: LivenessOptions,
    private readonly clock: Clock,
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.startedAt = clock.now();
  }

  /** What GET /healthz answers. */
  report(): LivenessReport {
    const graceMs = Math.max(3 * this.intervalMs, 15_000);
    const healthy = this.lastHealthyMark !== undefined && performance.now() - this.lastHealthyMark <= graceMs;
    return { status: healthy ? 'ok' : 'failing', worker: WORKER_ID, lastHealthyAt: this.lastHealthyAt?.toISOString() ?? null, problems: this.problems };
  }

  /** One check (the loop runs it every few seconds). */
  async check(): Promise<void> {
    const problems: string[] = [];
    const timeoutMs = Math.max(this.intervalMs, 3_000);
    try {
      const client = await within(this.queue.getBackend().client, timeoutMs, 'Redis');
      // Any round trip will do (the client has no PING of its own).
      await within(client.get('moderato:liveness'), timeoutMs, 'Redis');
    } catch (error) {
      problems.push(`Redis: ${messageOf(error)}`);
    }
    const workers = this.workers();
    for (const worker of workers) if (!worker.isRunning()) problems.push(`the ${worker.name} queue's worker is not running`);
    let databaseUp = false;
    try {
      // The heartbeat says "this worker can process jobs": written only when the rest is fine.
      if (problems.length) await within(this.heartbeats.ping(), timeoutMs, 'PostgreSQL');
      else await within(this.heartbeats.beat({ id: WORKER_ID, host: hostname(), pid: process.pid, startedAt: this.startedAt }), timeoutMs, 'PostgreSQL');
      databaseUp = true;
    } catch (error) {
      problems.push(`PostgreSQL: ${messageOf(error)}`);
    }
    if (!databaseUp) {
      for (const worker of workers) {
        if (worker.isPaused() || this.stopped) continue;
        worker.pause(true).catch(() => undefined);
        this.paused.add(worker);
      }
    } else if (this.paused.size) {
      for (const worker of this.paused) worker.resume();
      this.paused.clear();
    }
    if (problems.length && problems.join() !== this.problems.join()) this.logger.warn(`worker cannot process jobs: ${problems.join('; ')}`);
    if (!problems.length && this.problems.length && this.lastHealthyAt) this.logger.log('worker can process jobs again');
    this.problems = problems;
    if (!problems.length) {
      this.lastHealthyAt = this.clock.now();
      this.lastHealthyMark = performance.now();
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // Heartbeats of workers gone for a week are of no use to anyone.
    await this.heartbeats.prune().catch(() => undefined);
    // A pooled connection that broke (PostgreSQL restarting): check at once, not at the next round,
    // so the queue workers pause before many jobs fail against a database that is not there.
    this.heartbeats.onConnectionError(() => this.checkSoon());
    this.loop();
    const port = this.config.workerHealthPort;
    if (port > 0) {
      this.server = createServer((req, res) => {
        if (req.method !== 'GET' || req.url !== '/healthz') {
          res.writeHead(404).end();
          return;
        }
        const report = this.report();
        res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      });
      await new Promise<void>((resolve, reject) => {
        this.server!.once('error', reject);
        this.server!.listen(port, () => resolve());
      });
      this.logger.log(`health signal on port ${port} (GET /healthz)`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.checking;
  }

  private checkSoon(): void {
    if (this.stopped || this.checking) return;
    if (this.timer) clearTimeout(this.timer);
    this.loop();
  }

  private loop(): void {
    if (this.stopped) return;
    this.checking = this.check()
      .catch((error: unknown) => this.logger.warn(`liveness check failed: ${messageOf(error)}`))
      .finally(() => {
        this.checking = undefined;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.loop(), this.problems.length ? Math.min(this.intervalMs, 1_000) : this.intervalMs);
        this.timer.unref();
      });
  }

  /** The BullMQ workers of this process's @Processor classes. */
  private workers(): Worker[] {
    const workers: Worker[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      if (!(wrapper.instance instanceof WorkerHost)) continue;
      try {
        workers.push(wrapper.instance.worker);
      } catch {
        // not initialized (yet)
      }
    }
    return workers;
  }
}
