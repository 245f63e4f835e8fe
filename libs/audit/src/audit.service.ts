import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '@moderato/core';
import { AuditEvent } from './audit-event.entity';

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

/** The columns of `insertSql`, in the order of `insertValues`. */
const INSERT_COLUMNS = ['action', 'actor_id', 'actor_label', 'subject_type', 'subject_id', 'metadata', 'ip', 'created_at'] as const;

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface AuditFilter {
  /** The actor's email (part of it) or id. */
  actor?: string;
  /** An exact action (`token.issued`) or a family ending in a dot (`token.`). */
  action?: string;
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  subjectType?: string;
  subjectId?: string;
}

/** Writes security-relevant events to the append-only audit log. */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly clock: Clock,
  ) {}

  /** Records an event; pass `manager` to write it in the caller's transaction. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<AuditEvent> {
    const repository = manager ? manager.getRepository(AuditEvent) : this.events;
    // insert(), not save(): one INSERT … RETURNING instead of BEGIN, INSERT, COMMIT (save() wraps
    // even one row in its own transaction). The generated id is filled into `event`.
    const event = repository.create(this.fields(entry));
    await repository.insert(event as QueryDeepPartialEntity<AuditEvent>);
    return event;
  }

  /**
   * The INSERT of one event with parameters $offset+1 … $offset+8 (values: `insertValues`), to
   * embed in a statement that writes the event together with what it records
   * (`WITH audit AS (…) UPDATE …`): one round trip and one commit, and never one without the other
   * (the join storm's hot path). The same text every time, so it can be a prepared statement.
   */
  static insertSql(offset = 0): string {
    const params = INSERT_COLUMNS.map((column, i) => `$${offset + i + 1}${column === 'metadata' ? '::jsonb' : ''}`);
    return `INSERT INTO "audit_events" (${INSERT_COLUMNS.map((column) => `"${column}"`).join(', ')}) VALUES (${params.join(', ')})`;
  }

  /** The parameters of `insertSql` for `entry`. */
  insertValues(entry: AuditEntry): unknown[] {
    const event = this.fields(entry);
    return [event.action, event.actorId, event.actorLabel, event.subjectType, event.subjectId, JSON.stringify(event.metadata), event.ip, event.createdAt];
  }

  private fields(entry: AuditEntry) {
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
  async search(filter: AuditFilter, page: { page: number; pageSize: number }): Promise<{ events: AuditEvent[]; total: number }> {
    const [events, total] = await this.query(filter)
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .skip((page.page - 1) * page.pageSize)
      .take(page.pageSize)
      .getManyAndCount();
    return { events, total };
  }

  /** Every matching event, newest first, in batches (for the CSV export); stops after `limit`. */
  async *stream(filter: AuditFilter, limit = 100_000, batch = 1000): AsyncGenerator<AuditEvent[]> {
    let after: { createdAt: Date; id: string } | null = null;
    let sent = 0;
    while (sent < limit) {
      const query = this.query(filter);
      if (after) query.andWhere('(e.created_at, e.id) < (:afterAt, :afterId)', { afterAt: after.createdAt, afterId: after.id });
      const rows = await query
        .orderBy('e.created_at', 'DESC')
        .addOrderBy('e.id', 'DESC')
        .take(Math.min(batch, limit - sent))
        .getMany();
      if (!rows.length) return;
      yield rows;
      sent += rows.length;
      const last = rows[rows.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Distinct action names seen so far (for the filter's choices). */
  async actions(): Promise<string[]> {
    // A loose index scan over ix_audit_events_action_created_at: one index probe per distinct
    // action instead of reading every event (SELECT DISTINCT did, see BENCHMARKS.md).
    const rows: { action: string }[] = await this.events.query(
      `WITH RECURSIVE actions AS (
         (SELECT action FROM audit_events ORDER BY action LIMIT 1)
         UNION ALL
         SELECT (SELECT e.action FROM audit_events e WHERE e.action > actions.action ORDER BY e.action LIMIT 1) FROM actions WHERE actions.action IS NOT NULL
       )
       SELECT action FROM actions WHERE action IS NOT NULL ORDER BY action`,
    );
    return rows.map((row) => row.action);
  }

  private query(filter: AuditFilter) {
    const query = this.events.createQueryBuilder('e');
    const actor = filter.actor?.trim();
    if (actor) {
      if (isUUID(actor)) query.andWhere('e.actor_id = :actorId', { actorId: actor });
      else query.andWhere('lower(e.actor_label) LIKE :actorLabel', { actorLabel: `%${escapeLike(actor.toLowerCase())}%` });
    }
    const action = filter.action?.trim();
    if (action) {
      if (action.endsWith('.')) query.andWhere('e.action LIKE :actionPrefix', { actionPrefix: `${escapeLike(action)}%` });
      else query.andWhere('e.action = :action', { action });
    }
    if (filter.from) query.andWhere('e.created_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.created_at < :to', { to: filter.to });
    if (filter.subjectType?.trim()) query.andWhere('e.subject_type = :subjectType', { subjectType: filter.subjectType.trim() });
    if (filter.subjectId?.trim()) query.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId.trim() });
    return query;
  }

  /** How many `action` events since `since` have metadata containing `metadata` (e.g. failed logins of one username). */
  async countSince(action: string, since: Date, metadata: Record<string, unknown>): Promise<number> {
    return this.events
      .createQueryBuilder('event')
      .where('event.action = :action AND event.created_at >= :since AND event.metadata @> CAST(:metadata AS jsonb)', {
        action,
        since,
        metadata: JSON.stringify(metadata),
      })
      .getCount();
  }
}
