import { Injectable } from '@nestjs/common';
import { Transactions } from '@moderato/database';
import type { MailBacklog } from './mail-backlog.store';
import type { MailCounts } from './mail-counts.store';
import { OutboxStore, type DueOutboxRow, type OutboxListener } from './outbox.store';

/**
 * The outbox as its relay (libs/mail) sees it: due rows claimed with FOR UPDATE SKIP LOCKED, so
 * every worker can relay; a row becomes `queued` only in the transaction that handed it over, so
 * when the hand-over fails (Redis unreachable) the transaction rolls back and the row stays due.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly store: OutboxStore,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Up to `limit` due rows (`pending`, or `retrying` with the next attempt due), given to
   * `enqueue`; the rows it returns are marked `queued` in the same transaction. Returns how many.
   */
  relayDue(limit: number, enqueue: (rows: DueOutboxRow[]) => Promise<DueOutboxRow[]>): Promise<number> {
    return this.transactions.run(async (tx) => {
      const rows = await this.store.lockDue(limit, tx);
      if (!rows.length) return 0;
      const added = await enqueue(rows);
      await this.store.markQueued(
        added.map((row) => row.id),
        tx,
      );
      return added.length;
    });
  }

  /**
   * Up to `limit` `queued` rows due for `olderThanMs` (by due time; given `after`, the ids after
   * it, in id order), locked while `check` looks at them (two sweeps never take the same row).
   */
  withQueued<T>(query: { olderThanMs: number; limit: number; after?: string }, check: (rows: DueOutboxRow[]) => Promise<T>): Promise<T> {
    return this.transactions.run(async (tx) => check(await this.store.lockQueued(query, tx)));
  }

  /** Calls `onNotify` when a row is saved (a connection of its own); `onEnd` when that connection ends or cannot open (then this throws too). */
  listen(onNotify: () => void, onEnd: () => void): Promise<OutboxListener> {
    return this.store.listen(onNotify, onEnd);
  }

  /** Mails held back by temporary SMTP failures (admin dashboard, `moderato doctor`). */
  mailBacklog(): Promise<MailBacklog | undefined> {
    return this.store.mailBacklog();
  }

  /** Mails by status, the due backlog and its oldest age (GET /metrics). */
  mailCounts(): Promise<MailCounts> {
    return this.store.mailCounts();
  }
}
