import { Injectable } from '@nestjs/common';
import { Clock } from '@moderato/core';
import type { AuditEvent } from './audit-event.entity';
import { AuditStore, auditInsertSql, auditInsertValues, type AuditFields, type AuditFilter, type AuditTx } from './audit.store';

export type { AuditFilter, AuditTx };

/** Who did something, as audit events record it: an account (id and label) or a process (id null), and where from. */
export interface Actor {
  id: string | null;
  label: string | null;
  ip?: string | null;
}

export interface AuditEntry {
  /** Dotted verb: `auth.login`, `auth.login_failed`, `session.revoked`, `token.issued`, … */
  action: string;
  actor?: { id: string | null; label: string | null } | null;
  subject?: { type: string; id: string } | null;
  metadata?: Record<string, unknown>;
  ip?: string | null;
}

/** Writes security-relevant events to the append-only audit log. */
@Injectable()
export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  /** Records an event; pass `tx` to write it in the caller's transaction. */
  record(entry: AuditEntry, tx?: AuditTx): Promise<AuditEvent> {
    return this.store.insert(this.fields(entry), tx);
  }

  /**
   * The INSERT of one event with parameters $offset+1 … $offset+8 (values: `insertValues`), to
   * embed in a statement that writes the event together with what it records
   * (`WITH audit AS (…) UPDATE …`): one round trip and one commit, and never one without the other
   * (the join storm's hot path). The same text every time, so it can be a prepared statement.
   */
  static insertSql(offset = 0): string {
    return auditInsertSql(offset);
  }

  /** The parameters of `insertSql` for `entry`. */
  insertValues(entry: AuditEntry): unknown[] {
    return auditInsertValues(this.fields(entry));
  }

  private fields(entry: AuditEntry): AuditFields {
    return {
      action: entry.action,
      actorId: entry.actor?.id ?? null,
      actorLabel: entry.actor?.label ?? null,
      subjectType: entry.subject?.type ?? null,
      subjectId: entry.subject?.id ?? null,
      metadata: entry.metadata ?? {},
      ip: entry.ip ?? null,
      createdAt: this.clock.now(),
    };
  }

  /** One page of events matching the filter, newest first. */
  search(filter: AuditFilter, page: { page: number; pageSize: number }): Promise<{ events: AuditEvent[]; total: number }> {
    return this.store.search(filter, page);
  }

  /** Every matching event, newest first, in batches (for the CSV export); stops after `limit`. */
  async *stream(filter: AuditFilter, limit = 100_000, batch = 1000): AsyncGenerator<AuditEvent[]> {
    let after: { createdAt: Date; id: string } | null = null;
    let sent = 0;
    while (sent < limit) {
      const rows = await this.store.batch(filter, after, Math.min(batch, limit - sent));
      if (!rows.length) return;
      yield rows;
      sent += rows.length;
      const last = rows[rows.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Distinct action names seen so far (for the filter's choices). */
  actions(): Promise<string[]> {
    return this.store.actions();
  }

  /** How many `action` events since `since` have metadata containing `metadata` (e.g. failed logins of one username). */
  countSince(action: string, since: Date, metadata: Record<string, unknown>): Promise<number> {
    return this.store.countSince(action, since, metadata);
  }
}
