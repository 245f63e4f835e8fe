import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '@moderato/core';
import type { Tx } from '@moderato/database';
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

/** Who a deleted person is in the audit log from then on. */
export interface Pseudonym {
  id: string;
  label: string;
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

  /** Which of these events' subjects (users, meetings, servers, rooms) still exist, as "type:id": those get a link. */
  existingSubjects(events: Pick<AuditEvent, 'subjectType' | 'subjectId'>[]): Promise<Set<string>> {
    return this.store.existingSubjects(events);
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

  /** Deletes the events recorded before `cutoff` (the retention job); returns how many. */
  deleteBefore(cutoff: Date, tx: Tx): Promise<number> {
    return this.store.deleteBefore(cutoff, tx);
  }

  /** Every event by or about a person (their id or email as actor, subject or in the metadata), oldest first. */
  about(person: { id: string; email: string }, tx?: Tx): Promise<AuditEvent[]> {
    return this.store.about(person, tx);
  }

  /**
   * Replaces a person in the audit log by a pseudonym, in `tx` (person deletion): the events keep
   * what happened and when; their actor id becomes a new random id (one per deleted person, so
   * their events can still be grouped, but not linked to the deleted account or a backup), the
   * label `deleted-user-<8 hex>`, their email, name and id in subject and metadata the label, and
   * the IP of what they did is dropped. Returns the pseudonym and how many events changed.
   */
  async pseudonymise(person: { id: string; email: string; displayName: string }, tx: Tx): Promise<{ pseudonym: Pseudonym; events: number }> {
    const id = randomUUID();
    const pseudonym: Pseudonym = { id, label: `deleted-user-${createHash('sha256').update(id).digest('hex').slice(0, 8)}` };
    const events = await this.store.about(person, tx);
    const email = person.email.toLowerCase();
    const replace = (value: unknown): unknown => {
      if (typeof value === 'string') {
        if (value === person.id) return pseudonym.id;
        if (person.displayName && value === person.displayName) return pseudonym.label;
        return email ? value.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), pseudonym.label) : value;
      }
      if (Array.isArray(value)) return value.map(replace);
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replace(inner)]));
      return value;
    };
    const rewritten = events.map((event) => {
      const byThem = event.actorId === person.id || event.actorLabel?.toLowerCase() === email;
      return {
        id: event.id,
        actorId: event.actorId === person.id ? pseudonym.id : event.actorId,
        actorLabel: byThem ? pseudonym.label : event.actorLabel,
        subjectId: event.subjectId === null ? null : (replace(event.subjectId) as string),
        metadata: replace(event.metadata) as Record<string, unknown>,
        ip: byThem ? null : event.ip,
      };
    });
    await this.store.rewrite(rewritten, tx);
    return { pseudonym, events: rewritten.length };
  }

  /** How many `action` events since `since` have metadata containing `metadata` (e.g. failed logins of one username). */
  countSince(action: string, since: Date, metadata: Record<string, unknown>): Promise<number> {
    return this.store.countSince(action, since, metadata);
  }
}
