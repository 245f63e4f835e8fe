import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '@moderato/core';
import { AuditEvent } from './audit-event.entity';

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
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly clock: Clock,
  ) {}

  /** Records an event; pass `manager` to write it in the caller's transaction. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<AuditEvent> {
    const repository = manager ? manager.getRepository(AuditEvent) : this.events;
    return repository.save(
      repository.create({
        action: entry.action,
        actorId: entry.actor?.id ?? null,
        actorLabel: entry.actor?.label ?? null,
        subjectType: entry.subject?.type ?? null,
        subjectId: entry.subject?.id ?? null,
        metadata: entry.metadata ?? {},
        ip: entry.ip ?? null,
        createdAt: this.clock.now(),
      }),
    );
  }

  /** How many `action` events since `since` have metadata containing `metadata` (e.g. failed logins of one username). */
  async countSince(action: string, since: Date, metadata: Record<string, unknown>): Promise<number> {
    return this.events
      .createQueryBuilder('event')
      .where('event.action = :action AND event.created_at >= :since AND event.metadata @> CAST(:metadata AS jsonb)', { action, since, metadata: JSON.stringify(metadata) })
      .getCount();
  }
}
