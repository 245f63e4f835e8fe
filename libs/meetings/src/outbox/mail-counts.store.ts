import type { DataSource, EntityManager } from 'typeorm';

/** The outbox in figures (GET /metrics, read at every scrape). */
export interface MailCounts {
  /** Rows per status (pending, queued, retrying, sent, failed); a status without rows is absent. */
  byStatus: Record<string, number>;
  /** Rows due and not yet sent: pending or queued past their time, or retrying. */
  backlog: number;
  /** Seconds since the oldest of those became due (a retrying row: since its first failure); 0 when none waits. */
  oldestPendingSeconds: number;
}

/**
 * One pass over outbox_messages. A reminder written ahead of its time is `pending` but not due,
 * so it counts in `byStatus` and not in the backlog.
 */
export async function readMailCounts(db: DataSource | EntityManager): Promise<MailCounts> {
  const rows: { status: string; count: number; due: number; oldest: number | null }[] = await db.query(
    `SELECT status, count(*)::int AS count,
            count(*) FILTER (WHERE status <> 'sent' AND status <> 'failed' AND least(not_before, coalesce(failing_since, not_before)) <= now())::int AS due,
            floor(extract(epoch FROM now() - min(least(not_before, coalesce(failing_since, not_before)))
              FILTER (WHERE status <> 'sent' AND status <> 'failed' AND least(not_before, coalesce(failing_since, not_before)) <= now())))::int AS oldest
       FROM outbox_messages
      GROUP BY status`,
  );
  const byStatus = Object.fromEntries(rows.map((row) => [row.status, row.count]));
  const backlog = rows.reduce((sum, row) => sum + row.due, 0);
  const oldest = Math.max(0, ...rows.map((row) => row.oldest ?? 0));
  return { byStatus, backlog, oldestPendingSeconds: oldest };
}
