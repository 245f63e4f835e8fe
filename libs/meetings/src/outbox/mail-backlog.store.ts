import type { DataSource, EntityManager } from 'typeorm';

/** Mails held back by temporary SMTP failures (rows `retrying`, or queued for their next attempt). */
export interface MailBacklog {
  count: number;
  /** The earliest first failure among them. */
  since: Date;
  /** The error of the most recent attempt. */
  lastError: string;
  lastAttemptAt: Date;
}

/** The waiting mails, or undefined when none waits (for the admin dashboard and `moderato doctor`). */
export async function readMailBacklog(db: DataSource | EntityManager): Promise<MailBacklog | undefined> {
  const [row]: { count: number; since: Date | null; last_error: string | null; last_attempt_at: Date | null }[] = await db.query(
    `SELECT count(*)::int AS count, min(failing_since) AS since, max(last_attempt_at) AS last_attempt_at,
            (array_agg(last_error ORDER BY last_attempt_at DESC NULLS LAST))[1] AS last_error
       FROM outbox_messages
      WHERE status IN ('retrying', 'queued') AND failing_since IS NOT NULL`,
  );
  if (!row?.count || !row.since) return undefined;
  return { count: row.count, since: new Date(row.since), lastError: row.last_error ?? '', lastAttemptAt: new Date(row.last_attempt_at ?? row.since) };
}
