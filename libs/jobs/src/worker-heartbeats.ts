/** A worker writes its heartbeat every 5 s; one older than this is not running (or cannot work). */
export const WORKER_STALE_AFTER_SECONDS = 30;

export interface WorkerStatus {
  /** Workers whose heartbeat is fresh. */
  live: number;
  /** Seconds since the freshest heartbeat; null when no worker ever wrote one. */
  lastSeenSeconds: number | null;
}

/**
 * What the worker_heartbeats table (written by the worker's LivenessService) says, for
 * `moderato doctor` and the admin dashboard. `db`: a TypeORM DataSource (or anything with its
 * `query`).
 */
export async function readWorkerStatus(db: { query(sql: string): Promise<unknown> }): Promise<WorkerStatus> {
  const [row] = (await db.query(
    `SELECT count(*) FILTER (WHERE seen_at > now() - make_interval(secs => ${WORKER_STALE_AFTER_SECONDS}))::int AS live,
            floor(extract(epoch FROM now() - max(seen_at)))::int AS age
       FROM worker_heartbeats`,
  )) as { live: number; age: number | null }[];
  return { live: row.live, lastSeenSeconds: row.age === null ? null : Math.max(0, row.age) };
}
