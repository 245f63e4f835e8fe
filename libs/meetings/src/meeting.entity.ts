import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { User } from '@moderato/identity';
import { JitsiServer } from '@moderato/jitsi';
import type { MeetingFeatures } from '@moderato/policy';

export interface MeetingOptions {
  lobby: boolean;
  /** On by default: everyone authenticates. */
  requireLogin: boolean;
  /** Off by default, and only possible where the organisation policy allows it. */
  guestAccess: boolean;
  startMuted: boolean;
  screenSharing: 'everyone' | 'moderators';
  /** Minutes before each occurrence a reminder mail goes out; null = no reminders. Default 15. */
  reminderMinutes?: number | null;
  /** End each date for everyone at its scheduled end + the policy's grace; absent/null = the policy decides. */
  autoEnd?: boolean | null;
}

export const DEFAULT_MEETING_OPTIONS: MeetingOptions = {
  lobby: false,
  requireLogin: true,
  guestAccess: false,
  startMuted: false,
  screenSharing: 'everyone',
};

/** A change to one occurrence of a recurring meeting. */
export interface OccurrenceException {
  /** Original start of the occurrence (ISO 8601, UTC). */
  occurrence: string;
  cancelled?: boolean;
  startsAt?: string;
  endsAt?: string;
}

@Entity({ name: 'meetings' })
@Unique('uq_meetings_server_room', ['serverId', 'roomName'])
@Index('ix_meetings_organizer_starts_at', ['organizerId', 'startsAt'])
@Index('ix_meetings_starts_at', ['startsAt'])
@Check('ck_meetings_ends_after_start', `"ends_at" > "starts_at"`)
@Check('ck_meetings_room_name', `"room_name" ~ '^[a-z0-9-]{1,128}$'`)
@Check('ck_meetings_join_window', `"join_before_minutes" >= 0 AND "join_after_minutes" >= 0`)
export class Meeting {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'server_id', type: 'uuid' })
  serverId: string;

  @ManyToOne(() => JitsiServer, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_meetings_server' })
  server?: JitsiServer;

  /**
   * Null once the organizer was deleted: their upcoming meetings stay, cancelled, until retention
   * deletes them. Still RESTRICT: the person deletion detaches them first, a bare DELETE is refused.
   */
  @Column({ name: 'organizer_id', type: 'uuid', nullable: true })
  organizerId: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'organizer_id', foreignKeyConstraintName: 'fk_meetings_organizer' })
  organizer?: User;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Lower-case a-z0-9-: readable slug + unguessable suffix; the Jitsi room and the `room` claim. */
  @Column({ name: 'room_name', type: 'varchar', length: 128 })
  roomName: string;

  /** First (or only) occurrence, UTC. */
  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  /** IANA time zone the organizer planned in; recurrences are computed in it. */
  @Column({ type: 'text' })
  timezone: string;

  /** RFC 5545 RRULE for a series; null for a one-off meeting. */
  @Column({ type: 'text', nullable: true })
  rrule: string | null;

  @Column({ name: 'recurrence_exceptions', type: 'jsonb', default: () => "'[]'" })
  recurrenceExceptions: OccurrenceException[];

  @Column({ name: 'join_before_minutes', type: 'integer', default: 15 })
  joinBeforeMinutes: number;

  @Column({ name: 'join_after_minutes', type: 'integer', default: 0 })
  joinAfterMinutes: number;

  // Written the way PostgreSQL prints a jsonb default, so the schema diff stays empty.
  @Column({
    type: 'jsonb',
    default: () => `'{"lobby": false, "startMuted": false, "guestAccess": false, "requireLogin": true, "screenSharing": "everyone"}'`,
  })
  options: MeetingOptions;

  /** What the participants may do, where it differs from the policy's default (false forbids, true allows); {}: the defaults. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  features: MeetingFeatures;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** Optimistic locking: an edit based on an older version is refused. */
  @VersionColumn({ type: 'integer' })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
