import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One security-relevant event. Append-only: a database trigger refuses UPDATE and DELETE.
 * `actor_id` deliberately has no foreign key, so the log outlives the people in it;
 * `actor_label` keeps who it was (e.g. their email) at the time.
 */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_created_at', ['createdAt'])
@Index('ix_audit_events_actor_created_at', ['actorId', 'createdAt'])
@Index('ix_audit_events_action_created_at', ['action', 'createdAt'])
@Index('ix_audit_events_subject', ['subjectType', 'subjectId'])
// GIN trigram index on lower(actor_label) for the actor filter: made by a migration (TypeORM cannot express it).
@Index('ix_audit_events_actor_label_trgm', { synchronize: false })
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_label', type: 'text', nullable: true })
  actorLabel: string | null;

  /** Dotted verb, e.g. `meeting.created`, `token.issued`, `session.revoked`. */
  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'subject_type', type: 'text', nullable: true })
  subjectType: string | null;

  @Column({ name: 'subject_id', type: 'text', nullable: true })
  subjectId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
