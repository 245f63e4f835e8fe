import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pgPool } from '@moderato/database';
import { WORKER_STALE_AFTER_SECONDS, type WorkerIdentity, type WorkerStatus } from './worker-heartbeats';

/**
 * The `worker_heartbeats` table: each worker's LivenessService writes its row every few seconds
 * while it can process jobs; `moderato doctor` and the admin dashboard read them. The liveness
 * check's other uses of PostgreSQL (a round trip, the pool's connection errors) are here too, so
 * the worker's liveness needs no DataSource of its own.
 */
@Injectable()
export class WorkerHeartbeatsStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** How many workers are live, and how long ago the freshest one reported. */
  async status(): Promise<WorkerStatus> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE seen_at > now() - make_interval(secs => ${WORKER_STALE_AFTER_SECONDS}))::int AS live,
              floor(extract(epoch FROM now() - max(seen_at)))::int AS age
         FROM worker_heartbeats`,
    )) as { live: number; age: number | null }[];
    return { live: row.live, lastSeenSeconds: row.age === null ? null : Math.max(0, row.age) };
  }

  /** This worker's heartbeat: seen now (by the database's clock, as `status()` reads it). */
  async beat(worker: WorkerIdentity): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO worker_heartbeats (id, host, pid, started_at, seen_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
      [worker.id, worker.host, worker.pid, worker.startedAt],
    );
  }

  /** Forgets workers gone for a week. */
  async prune(): Promise<void> {
    await this.dataSource.query(`DELETE FROM worker_heartbeats WHERE seen_at < now() - interval '7 days'`);
  }

  /** One round trip to PostgreSQL, writing nothing. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** Calls `listener` when a pooled connection breaks (PostgreSQL restarting). */
  onConnectionError(listener: () => void): void {
    pgPool(this.dataSource).on('error', listener);
  }
}
