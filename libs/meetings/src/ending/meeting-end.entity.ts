import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '@moderato/identity';
import { Meeting } from '../meeting.entity';

/**
 * One occurrence of a meeting ended for everyone (by a person, or at its end by the worker):
 * from then on no token is issued for that occurrence. The join reads it in its one statement.
 */
@Entity({ name: 'meeting_ends' })
export class MeetingEnd {
  @PrimaryColumn({ name: 'meeting_id', type: 'uuid', primaryKeyConstraintName: 'PK_meeting_ends' })
  meetingId: string;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'fk_meeting_ends_meeting' })
  meeting?: Meeting;

  /** The occurrence's original start (its identity; a one-off meeting's start). */
  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'PK_meeting_ends' })
  occurrence: Date;

  @Column({ name: 'ended_at', type: 'timestamptz' })
  endedAt: Date;

  /** Null for the automatic end, and once the person was deleted. */
  @Column({ name: 'ended_by_id', type: 'uuid', nullable: true })
  endedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'ended_by_id', foreignKeyConstraintName: 'fk_meeting_ends_ended_by' })
  endedBy?: User;

  /** Who ended it, as the join page names them ("This meeting was ended by …"). */
  @Column({ name: 'ended_by_name', type: 'text' })
  endedByName: string;

  @Column({ type: 'boolean', default: false })
  automatic: boolean;
}
