import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { User } from '@moderato/identity';
import { JitsiServer } from '@moderato/jitsi';
import type { AccessEntry } from './access-list';

/**
 * A room without a schedule (e.g. "Staff room") on one Jitsi server. Whoever its access list
 * names — by IdP group or by (verified) email — may open `/r/<slug>` and gets a token with the
 * affiliation the list gives; nobody else gets a token.
 */
@Entity({ name: 'permanent_rooms' })
@Check('ck_permanent_rooms_slug', `"slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length("slug") <= 60`)
@Check('ck_permanent_rooms_room_name', `"room_name" ~ '^[a-z0-9-]{1,128}$'`)
@Check('ck_permanent_rooms_access', `jsonb_typeof("access") = 'array'`)
export class PermanentRoom {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Shown to people, e.g. "Staff room". */
  @Column({ type: 'text' })
  name: string;

  /** The readable part of `/r/<slug>`: lower-case a-z0-9 and single hyphens. */
  @Index('uq_permanent_rooms_slug', { unique: true })
  @Column({ type: 'varchar', length: 60 })
  slug: string;

  @Column({ name: 'server_id', type: 'uuid' })
  serverId: string;

  @ManyToOne(() => JitsiServer, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_permanent_rooms_server' })
  server?: JitsiServer;

  /** The Jitsi room (and token `room`): readable slug + unguessable suffix; never changes. */
  @Index('uq_permanent_rooms_room_name', { unique: true })
  @Column({ name: 'room_name', type: 'varchar', length: 128 })
  roomName: string;

  /** Who may open it: `{ kind: 'group' | 'user', value, affiliation: 'member' | 'moderator' }`. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  access: AccessEntry[];

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'fk_permanent_rooms_created_by' })
  createdBy?: User | null;

  @Column({ name: 'updated_by_id', type: 'uuid', nullable: true })
  updatedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'updated_by_id', foreignKeyConstraintName: 'fk_permanent_rooms_updated_by' })
  updatedBy?: User | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Optimistic locking: an edit based on an older version is refused. */
  @VersionColumn({ type: 'integer' })
  version: number;
}
