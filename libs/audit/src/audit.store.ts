import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { managerOf, type Tx } from '@moderato/database';
import { AuditEvent } from './audit-event.entity';

/**
 * The transaction an event is written in: a `Tx`, or — for callers not converted to `Tx` yet —
 * the TypeORM EntityManager of their transaction.
 */
export type AuditTx = Tx | EntityManager;

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

/** One event's columns, as the service fills them. */
export type AuditFields = Pick<AuditEvent, 'action' | 'actorId' | 'actorLabel' | 'subjectType' | 'subjectId' | 'metadata' | 'ip' | 'createdAt'>;

/** The columns of `auditInsertSql`, in the order of `auditInsertValues`. */
const INSERT_COLUMNS = ['action', 'actor_id', 'actor_label', 'subject_type', 'subject_id', 'metadata', 'ip', 'created_at'] as const;

/** The INSERT of one event with parameters $offset+1 … $offset+8 (see AuditService.insertSql). */
export function auditInsertSql(offset: number): string {
  const params = INSERT_COLUMNS.map((column, i) => `$${offset + i + 1}${column === 'metadata' ? '::jsonb' : ''}`);
  return `INSERT INTO "audit_events" (${INSERT_COLUMNS.map((column) => `"${column}"`).join(', ')}) VALUES (${params.join(', ')})`;
}

/** The parameters of `auditInsertSql` for one event. */
export function auditInsertValues(event: AuditFields): unknown[] {
  return [event.action, event.actorId, event.actorLabel, event.subjectType, event.subjectId, JSON.stringify(event.metadata), event.ip, event.createdAt];
}

/** Subject types with a page of their own, and their tables (for AuditStore.existingSubjects). */
const SUBJECT_TABLES: Readonly<Record<string, string>> = {
  user: 'users',
  meeting: 'meetings',
  jitsi_server: 'jitsi_servers',
  permanent_room: 'permanent_rooms',
};

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The audit log's table (`audit_events`): append-only (inserts and reads), but for retention and pseudonymisation. */
@Injectable()
export class AuditStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(fields: AuditFields, tx?: AuditTx): Promise<AuditEvent> {
    const repository = (tx instanceof EntityManager ? tx : managerOf(tx, this.dataSource)).getRepository(AuditEvent);
    // insert(), not save(): one INSERT … RETURNING instead of BEGIN, INSERT, COMMIT (save() wraps
    // even one row in its own transaction). The generated id is filled into `event`.
    const event = repository.create(fields);
    await repository.insert(event as QueryDeepPartialEntity<AuditEvent>);
    return event;
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

  /** Which of these events' subjects still exist, as "type:id" (one query; types without a table never do). */
  async existingSubjects(events: Pick<AuditEvent, 'subjectType' | 'subjectId'>[]): Promise<Set<string>> {
    const idsByType = new Map<string, string[]>();
    for (const { subjectType: type, subjectId: id } of events) {
      if (!type || !id || !Object.hasOwn(SUBJECT_TABLES, type) || !isUUID(id)) continue;
      idsByType.set(type, [...(idsByType.get(type) ?? []), id]);
    }
    if (!idsByType.size) return new Set();
    const types = [...idsByType.keys()];
    // Table names come from SUBJECT_TABLES only; the ids are parameters.
    const sql = types
      .map((type, i) => `SELECT '${type}' AS type, id::text AS id FROM "${SUBJECT_TABLES[type]}" WHERE id = ANY($${i + 1}::uuid[])`)
      .join(' UNION ALL ');
    const rows: { type: string; id: string }[] = await this.dataSource.query(
      sql,
      types.map((type) => idsByType.get(type)),
    );
    return new Set(rows.map((row) => `${row.type}:${row.id}`));
  }

  /** Up to `take` matching events older than `after` (keyset paging), newest first. */
  batch(filter: AuditFilter, after: { createdAt: Date; id: string } | null, take: number): Promise<AuditEvent[]> {
    const query = this.query(filter);
    if (after) query.andWhere('(e.created_at, e.id) < (:afterAt, :afterId)', { afterAt: after.createdAt, afterId: after.id });
    return query.orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').take(take).getMany();
  }

  /** Distinct action names. */
  async actions(): Promise<string[]> {
    // A loose index scan over ix_audit_events_action_created_at: one index probe per distinct
    // action instead of reading every event (SELECT DISTINCT did, see BENCHMARKS.md).
    const rows: { action: string }[] = await this.dataSource.query(
      `WITH RECURSIVE actions AS (
         (SELECT action FROM audit_events ORDER BY action LIMIT 1)
         UNION ALL
         SELECT (SELECT e.action FROM audit_events e WHERE e.action > actions.action ORDER BY e.action LIMIT 1) FROM actions WHERE actions.action IS NOT NULL
       )
       SELECT action FROM actions WHERE action IS NOT NULL ORDER BY action`,
    );
    return rows.map((row) => row.action);
  }

  /** How many `action` events since `since` have metadata containing `metadata`. */
  countSince(action: string, since: Date, metadata: Record<string, unknown>): Promise<number> {
    return this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('event')
      .where('event.action = :action AND event.created_at >= :since AND event.metadata @> CAST(:metadata AS jsonb)', {
        action,
        since,
        metadata: JSON.stringify(metadata),
      })
      .getCount();
  }

  /**
   * Deletes the events recorded before `cutoff` (retention), in `tx`; returns how many. The
   * append-only trigger lets the DELETE through only with `moderato.audit_prune` set in this
   * transaction, and it is switched off again before anything else runs in it.
   */
  async deleteBefore(cutoff: Date, tx: Tx): Promise<number> {
    const manager = managerOf(tx, this.dataSource);
    await manager.query(`SET LOCAL moderato.audit_prune = 'on'`);
    const [, affected] = await manager.query('DELETE FROM audit_events WHERE created_at < $1', [cutoff]);
    await manager.query(`SET LOCAL moderato.audit_prune = 'off'`);
    return Number(affected) || 0;
  }

  /**
   * Every event by or about a person: their actor id, `user` subject, their email as actor label
   * or `email` subject, or their email or id anywhere in the metadata. Oldest first.
   */
  about(person: { id: string; email: string }, tx?: Tx): Promise<AuditEvent[]> {
    const email = person.email.toLowerCase();
    return managerOf(tx, this.dataSource)
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.actor_id = :id', { id: person.id })
      .orWhere(`(e.subject_type = 'user' AND e.subject_id = :idText)`, { idText: person.id })
      .orWhere('lower(e.actor_label) = :email', { email })
      .orWhere(`(e.subject_type = 'email' AND lower(e.subject_id) = :email)`)
      .orWhere('strpos(lower(e.metadata::text), :email) > 0')
      .orWhere('strpos(e.metadata::text, :idText) > 0')
      .orderBy('e.created_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .getMany();
  }

  /**
   * Rewrites the personal columns of these events (person deletion), in `tx`. The trigger lets
   * only actor, subject id, metadata and ip change, and only with `moderato.audit_pseudonymise`
   * set, which is switched off again afterwards.
   */
  async rewrite(events: Pick<AuditEvent, 'id' | 'actorId' | 'actorLabel' | 'subjectId' | 'metadata' | 'ip'>[], tx: Tx): Promise<void> {
    if (!events.length) return;
    const manager = managerOf(tx, this.dataSource);
    await manager.query(`SET LOCAL moderato.audit_pseudonymise = 'on'`);
    for (const event of events) {
      await manager.query('UPDATE audit_events SET actor_id = $2, actor_label = $3, subject_id = $4, metadata = $5::jsonb, ip = $6 WHERE id = $1', [
        event.id,
        event.actorId,
        event.actorLabel,
        event.subjectId,
        JSON.stringify(event.metadata),
        event.ip,
      ]);
    }
    await manager.query(`SET LOCAL moderato.audit_pseudonymise = 'off'`);
  }

  private query(filter: AuditFilter) {
    const query = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
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
}
