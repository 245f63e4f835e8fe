import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Invitation } from './invitation.entity';

export type OutboxKind = 'invite' | 'update' | 'cancel' | 'reminder';
/** `retrying`: a temporary failure (SMTP down, 4xx); sent again at not_before. */
export type OutboxStatus = 'pending' | 'queued' | 'retrying' | 'sent' | 'failed';

/**
 * A mail to send, written in the same transaction as the change that causes it. The relay
 * claims due rows (FOR UPDATE SKIP LOCKED) and enqueues them with the row id as job id.
 */
@Entity({ name: 'outbox_messages' })
@Index('ix_outbox_messages_due', ['notBefore'], { where: `"status" IN ('pending', 'retrying')` })
@Index('ix_outbox_messages_invitation', ['invitationId'])
@Check('ck_outbox_messages_kind', `"kind" IN ('invite', 'update', 'cancel', 'reminder')`)
@Check('ck_outbox_messages_status', `"status" IN ('pending', 'queued', 'retrying', 'sent', 'failed')`)
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: OutboxKind;

  @Column({ name: 'invitation_id', type: 'uuid', nullable: true })
  invitationId: string | null;

  @ManyToOne(() => Invitation, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'invitation_id', foreignKeyConstraintName: 'fk_outbox_messages_invitation' })
  invitation?: Invitation | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** When the row is due; for a `retrying` row, the next attempt. */
  @Column({ name: 'not_before', type: 'timestamptz', default: () => 'now()' })
  notBefore: Date;

  /** The first failed attempt of the current run of failures; retries stop MAIL_RETRY_HOURS after it. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
