/** Tuning of mail delivery; the defaults suit production, tests shorten the delays. */
export interface MailModuleOptions {
  /** Delay before the first retry after a temporary SMTP failure; doubles with every attempt. Default 10 s. */
  retryDelayMs?: number;
  /** Upper bound of that delay, so queued mail leaves soon after SMTP is back. Default 30 s. */
  retryMaxDelayMs?: number;
  /** How long after the first temporary failure a mail is still retried (then `failed`). Default MAIL_RETRY_HOURS. */
  retryForMs?: number;
  /** Attempts of a job that fails for another reason than SMTP (e.g. the database), by BullMQ. Default 5. */
  attempts?: number;
  /** How often the outbox relay looks for due rows; 0 turns the loop off. Default 0.5 s (an indexed query on the partial index of pending rows). */
  pollIntervalMs?: number;
  /** A `queued` row whose job vanished from Redis is enqueued again after this long. Default 10 min. */
  stuckAfterMs?: number;
  /** How often the relay looks for such rows. Default 1 min. */
  stuckCheckIntervalMs?: number;
  /** Give up adding to Redis after this long (the transaction rolls back). Default 5 s. */
  enqueueTimeoutMs?: number;
  /** How often reminders of long series are topped up (see ReminderTopUpService); 0 = never. Default 6 h. */
  reminderTopUpIntervalMs?: number;
}

/**
 * Mails one worker sends at once, and the SMTP connections it keeps open for them (pooled: a
 * connection carries up to 100 messages instead of one TCP + EHLO per mail). See BENCHMARKS.md.
 */
export const MAIL_CONCURRENCY = 16;

/**
 * A mail job's lock (renewed every half of it while the job runs) and how often a worker looks
 * for jobs whose lock ran out: a job whose worker died (SIGKILL, a lost host) goes to another
 * worker after MAIL_LOCK_MS to MAIL_LOCK_MS + MAIL_STALLED_CHECK_MS, not BullMQ's default 30-60 s.
 */
export const MAIL_LOCK_MS = 10_000;
export const MAIL_STALLED_CHECK_MS = 5_000;

export type ResolvedMailOptions = Required<MailModuleOptions>;

export const MAIL_OPTIONS = Symbol('MAIL_OPTIONS');

/** The defaults, MAIL_RETRY_HOURS (`retryHours`) for retryForMs. */
export function resolveMailOptions(options: MailModuleOptions = {}, retryHours = 48): ResolvedMailOptions {
  return {
    retryDelayMs: options.retryDelayMs ?? 10_000,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
    retryForMs: options.retryForMs ?? retryHours * 3600_000,
    attempts: options.attempts ?? 5,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    stuckAfterMs: options.stuckAfterMs ?? 10 * 60_000,
    stuckCheckIntervalMs: options.stuckCheckIntervalMs ?? 60_000,
    enqueueTimeoutMs: options.enqueueTimeoutMs ?? 5_000,
    reminderTopUpIntervalMs: options.reminderTopUpIntervalMs ?? 6 * 3600_000,
  };
}

/** The payload of a job on the `mail` queue: the outbox row to deliver (also the job id). */
export interface MailJob {
  outboxId: string;
}

export interface MailJobResult {
  outboxId: string;
  /** retrying: a temporary failure, the row is due again later; failed: given up. */
  outcome: 'sent' | 'skipped' | 'retrying' | 'failed';
  reason?: string;
}
