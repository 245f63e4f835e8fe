import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JitsiServer } from '../jitsi-server.entity';

/** The four links of an interop check. */
export type InteropLinkKind = 'organizer' | 'participant' | 'noToken' | 'wrongRoom';
/** pending: started, nothing recorded yet; verified: all four behaved as they must; problems: at least one did not. */
export type InteropCheckStatus = 'pending' | 'verified' | 'problems';

/**
 * One "Test this server" run: a short-lived test room (never a Meeting), who started it, and
 * what the admin saw for each of the four links. The tokens themselves are never stored.
 */
@Entity({ name: 'jitsi_server_checks' })
@Index('ix_jitsi_server_checks_server', ['serverId', 'startedAt'])
@Check('ck_jitsi_server_checks_status', `"status" IN ('pending', 'verified', 'problems')`)
export class JitsiServerCheck {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'server_id', type: 'uuid' })
  serverId: string;

  @ManyToOne(() => JitsiServer, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_jitsi_server_checks_server' })
  server?: JitsiServer;

  /** The test room (moderato-test-…): organizer, participant and no-token links open it. */
  @Column({ type: 'text' })
  room: string;

  /** The room the "wrong room" token is for (another moderato-test-… name). */
  @Column({ name: 'other_room', type: 'text' })
  otherRoom: string;

  /** SHA-256 of the server settings the tokens depended on (see interopSettingsFingerprint). */
  @Column({ name: 'settings_fingerprint', type: 'char', length: 64 })
  settingsFingerprint: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  /** The end of the test window: no token of this check is valid after it. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'started_by_id', type: 'uuid', nullable: true })
  startedById: string | null;

  @Column({ name: 'started_by_label', type: 'text', nullable: true })
  startedByLabel: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: InteropCheckStatus;

  /** What happened with each link, as the admin recorded it. */
  @Column({ type: 'jsonb', nullable: true })
  outcomes: Record<InteropLinkKind, string> | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true })
  recordedAt: Date | null;

  @Column({ name: 'recorded_by_id', type: 'uuid', nullable: true })
  recordedById: string | null;

  @Column({ name: 'recorded_by_label', type: 'text', nullable: true })
  recordedByLabel: string | null;
}
