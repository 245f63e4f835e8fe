import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Meeting } from './meeting.entity';

/**
 * The one-time id of a "New meeting" form, written in the transaction that creates the meeting:
 * the same form posted twice (two tabs, a double click, the back button) finds it and creates
 * no second meeting. Keyed per organizer; goes with its meeting.
 */
@Entity({ name: 'meeting_form_submissions' })
@Index('ix_meeting_form_submissions_meeting', ['meetingId'])
export class MeetingFormSubmission {
  @PrimaryColumn({ name: 'organizer_id', type: 'uuid', primaryKeyConstraintName: 'pk_meeting_form_submissions' })
  organizerId: string;

  @PrimaryColumn({ name: 'form_id', type: 'uuid', primaryKeyConstraintName: 'pk_meeting_form_submissions' })
  formId: string;

  @Column({ name: 'meeting_id', type: 'uuid' })
  meetingId: string;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'fk_meeting_form_submissions_meeting' })
  meeting?: Meeting;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
