import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Invitation } from './invitation.entity';

export type OutboxKind = 'invite' | 'update' | 'cancel' | 'reminder';
export type OutboxStatus = 'pending' | 'queued' | 'sent' | 'failed';

/**
 * A mail to send, written in the same transaction as the change that causes it. The relay
 * claims due rows (FOR UPDATE SKIP LOCKED) and enqueues them with the row id as job id.
 */
@Entity({ name: 'outbox_messages' })
@Index('ix_outbox_messages_due', ['notBefore'], { where: `"status" = 'pending'` })
@Index('ix_outbox_messages_invitation', ['invitationId'])
@Check('ck_outbox_messages_kind', `"kind" IN ('invite', 'update', 'cancel', 'reminder')`)
@Check('ck_outbox_messages_status', `"status" IN ('pending', 'queued', 'sent', 'failed')`)
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

  @Column({ name: 'not_before', type: 'timestamptz', default: () => 'now()' })
  notBefore: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
