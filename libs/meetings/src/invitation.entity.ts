import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { User } from '@moderato/identity';
import { Meeting } from './meeting.entity';

export type InvitationRole = 'moderator' | 'participant';
/** `retrying`: its last mail could not be delivered yet (temporary SMTP failure) and is tried again. */
export type InvitationStatus = 'pending' | 'sent' | 'retrying' | 'failed' | 'revoked';
export type Rsvp = 'accepted' | 'declined' | 'tentative';

/** One person invited to one meeting (or series), with a personal link. */
@Entity({ name: 'invitations' })
@Unique('uq_invitations_meeting_email', ['meetingId', 'email'])
@Index('ix_invitations_bound_user', ['boundUserId'])
@Index('ix_invitations_email', ['email'])
@Check('ck_invitations_role', `"role" IN ('moderator', 'participant')`)
@Check('ck_invitations_status', `"status" IN ('pending', 'sent', 'retrying', 'failed', 'revoked')`)
@Check('ck_invitations_rsvp', `"rsvp" IS NULL OR "rsvp" IN ('accepted', 'declined', 'tentative')`)
export class Invitation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'meeting_id', type: 'uuid' })
  meetingId: string;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'fk_invitations_meeting' })
  meeting?: Meeting;

  /** Lower-case. */
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text', default: '' })
  name: string;

  @Column({ type: 'varchar', length: 16, default: 'participant' })
  role: InvitationRole;

  /** The user this invitation was bound to at the first successful join. */
  @Column({ name: 'bound_user_id', type: 'uuid', nullable: true })
  boundUserId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'bound_user_id', foreignKeyConstraintName: 'fk_invitations_bound_user' })
  boundUser?: User | null;

  /**
   * Random salt the link code is derived from: code = HMAC(SECRETS_KEY, id + salt). The code
   * itself is never stored; a new salt (resend with a new link) makes the old link dead.
   */
  @Column({ name: 'link_code_salt', type: 'text' })
  linkCodeSalt: string;

  /** Hex SHA-256 of the link code, to find the invitation from a clicked link. */
  @Index('uq_invitations_link_code_hash', { unique: true })
  @Column({ name: 'link_code_hash', type: 'char', length: 64 })
  linkCodeHash: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: InvitationStatus;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'joined_at', type: 'timestamptz', nullable: true })
  joinedAt: Date | null;

  @Column({ name: 'join_count', type: 'integer', default: 0 })
  joinCount: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  rsvp: Rsvp | null;

  /** The directory group this person was invited with (e.g. "7b"); null when invited by name. */
  @Column({ name: 'group_name', type: 'text', nullable: true })
  groupName: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
