import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { JitsiServer } from '@moderato/jitsi';

/** How an interval was closed: the occupant's own `left` event, or the room's `destroyed` event. */
export type PresenceLeftBy = 'left' | 'destroyed';

/**
 * One occupant connection in one Jitsi room, as Jitsi's event_sync component reported it: from
 * `occupant/joined` (or a `left`/`destroyed` that arrived without it) to `occupant/left` or the
 * room's end. Keyed by server, room, breakout room, occupant JID and join second: a retried or
 * duplicated event lands on the same row. Which meeting (and date) or permanent room it belongs
 * to is read from the server and room name when attendance is asked for.
 */
@Entity({ name: 'presence_intervals' })
@Unique('uq_presence_intervals_connection', ['serverId', 'roomName', 'breakoutRoom', 'occupantJid', 'joinedAt'])
@Index('ix_presence_intervals_room', ['serverId', 'roomName', 'joinedAt'])
@Index('ix_presence_intervals_open', ['serverId', 'roomName'], { where: '"left_at" IS NULL' })
@Index('ix_presence_intervals_joined', ['joinedAt'])
@Check('ck_presence_intervals_left_by', `"left_by" IS NULL OR "left_by" IN ('left', 'destroyed')`)
export class PresenceInterval {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'server_id', type: 'uuid' })
  serverId: string;

  @ManyToOne(() => JitsiServer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_presence_intervals_server' })
  server?: JitsiServer;

  /** The main room's name, lower-case (breakout events name their main room). */
  @Column({ name: 'room_name', type: 'varchar', length: 256 })
  roomName: string;

  /** The breakout room's id ('' in the main room): its time counts for the main meeting. */
  @Column({ name: 'breakout_room', type: 'varchar', length: 256, default: '' })
  breakoutRoom: string;

  /** The connection's full JID (`<uuid>@<domain>/<resource>`). */
  @Column({ name: 'occupant_jid', type: 'varchar', length: 512 })
  occupantJid: string;

  /** `context.user.id` of the token: Moderato's user id for members, absent for guests. */
  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId: string | null;

  @Column({ type: 'text', default: '' })
  name: string;

  @Column({ type: 'text', default: '' })
  email: string;

  @Column({ name: 'joined_at', type: 'timestamptz' })
  joinedAt: Date;

  @Column({ name: 'left_at', type: 'timestamptz', nullable: true })
  leftAt: Date | null;

  @Column({ name: 'left_by', type: 'varchar', length: 16, nullable: true })
  leftBy: PresenceLeftBy | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
