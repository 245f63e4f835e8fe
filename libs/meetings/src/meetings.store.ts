import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { type DataSource, ILike, In, IsNull, LessThan, MoreThanOrEqual, Not } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { MeetingFormSubmission } from './meeting-form-submission.entity';
import { Meeting } from './meeting.entity';

/** A meeting's fields as a new one is saved with (the rest come from the column defaults). */
export type NewMeeting = Pick<
  Meeting,
  | 'serverId'
  | 'organizerId'
  | 'title'
  | 'description'
  | 'roomName'
  | 'startsAt'
  | 'endsAt'
  | 'timezone'
  | 'rrule'
  | 'joinBeforeMinutes'
  | 'joinAfterMinutes'
  | 'options'
> &
  Partial<Pick<Meeting, 'features'>>;

/** The `meetings` and `meeting_form_submissions` tables. */
@Injectable()
export class MeetingsStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The meeting with this id; null for none, and for an id that is no UUID (PostgreSQL would refuse it). */
  async byId(id: string, tx?: Tx, options: { lock?: boolean } = {}): Promise<Meeting | null> {
    if (!isUUID(id)) return null;
    return managerOf(tx, this.dataSource)
      .getRepository(Meeting)
      .findOne({ where: { id }, ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async insert(fields: NewMeeting, tx: Tx): Promise<Meeting> {
    const repository = managerOf(tx, this.dataSource).getRepository(Meeting);
    return repository.save(repository.create(fields));
  }

  /** Saves a changed meeting (its version goes up by one). */
  save(meeting: Meeting, tx: Tx): Promise<Meeting> {
    return managerOf(tx, this.dataSource).getRepository(Meeting).save(meeting);
  }

  /**
   * Raises the meeting's version without another change: the calendar SEQUENCE of its mails
   * (version - 1) must go up when one invitee is removed or invited again, so their calendar
   * takes the cancellation, and a later invitation, as newer than what it holds. Returns the
   * new version.
   */
  async bumpVersion(id: string, tx: Tx): Promise<number> {
    const rows: { version: number }[] = await managerOf(tx, this.dataSource).query(
      // In a CTE: pg's driver answers a bare UPDATE … RETURNING as [rows, count].
      'WITH bumped AS (UPDATE meetings SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING version) SELECT version FROM bumped',
      [id],
    );
    return rows[0].version;
  }

  /**
   * One page of an organizer's meetings, matching `q` in the title. Upcoming: ending after
   * `cutoff`, and every series (its occurrences are computed from the RRULE), soonest first.
   * Past: one-off meetings that ended before `cutoff`, latest first.
   */
  page(organizerId: string, query: { upcoming: boolean; cutoff: Date; q?: string; skip: number; take: number }): Promise<[Meeting[], number]> {
    const base = {
      organizerId,
      ...(query.q ? { title: ILike(`%${query.q.replace(/[%_\\]/g, '\\$&')}%`) } : {}),
    };
    const where = query.upcoming
      ? [
          { ...base, endsAt: MoreThanOrEqual(query.cutoff) },
          { ...base, rrule: Not(IsNull()) },
        ]
      : [{ ...base, endsAt: LessThan(query.cutoff), rrule: IsNull() }];
    return this.dataSource.getRepository(Meeting).findAndCount({
      where,
      order: { startsAt: query.upcoming ? 'ASC' : 'DESC' },
      skip: query.skip,
      take: query.take,
    });
  }

  /** The latest `limit` meetings a person organized, and how many there are. */
  organizedBy(userId: string, limit: number): Promise<[Meeting[], number]> {
    return this.dataSource.getRepository(Meeting).findAndCount({ where: { organizerId: userId }, order: { startsAt: 'DESC' }, take: limit });
  }

  /** The ids of the series not cancelled (ended ones too: their dates decide). */
  async runningSeriesIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM meetings WHERE rrule IS NOT NULL AND cancelled_at IS NULL');
    return rows.map((row) => row.id);
  }

  /** The series not cancelled, with what it takes to expand their schedule. */
  runningSeries(): Promise<Meeting[]> {
    return this.dataSource.getRepository(Meeting).find({
      where: { rrule: Not(IsNull()), cancelledAt: IsNull() },
      select: { id: true, organizerId: true, title: true, rrule: true, startsAt: true, endsAt: true, timezone: true },
    });
  }

  /** Every meeting a person organizes, oldest first (person export and deletion). */
  allOrganizedBy(userId: string, tx?: Tx): Promise<Meeting[]> {
    return managerOf(tx, this.dataSource)
      .getRepository(Meeting)
      .find({ where: { organizerId: userId }, order: { startsAt: 'ASC' } });
  }

  /** Makes `toId` the organizer of every meeting of `fromId` (person deletion); returns how many. */
  async handOver(fromId: string, toId: string, tx: Tx): Promise<number> {
    const result = await managerOf(tx, this.dataSource).getRepository(Meeting).update({ organizerId: fromId }, { organizerId: toId });
    await managerOf(tx, this.dataSource).getRepository(MeetingFormSubmission).delete({ organizerId: fromId });
    return result.affected ?? 0;
  }

  /**
   * Person deletion: deletes the meetings `ids` (those that ended) with their invitations and
   * mails, and detaches the organizer's other meetings (organizer null; they were cancelled and
   * stay until retention deletes them). Returns how many were deleted.
   */
  async deleteAndDetach(userId: string, ids: string[], tx: Tx): Promise<number> {
    const manager = managerOf(tx, this.dataSource);
    await manager.getRepository(MeetingFormSubmission).delete({ organizerId: userId });
    const deleted = ids.length ? ((await manager.getRepository(Meeting).delete({ id: In(ids), organizerId: userId })).affected ?? 0) : 0;
    await manager.getRepository(Meeting).update({ organizerId: userId }, { organizerId: null });
    return deleted;
  }

  /** Retention: deletes the meetings without an organizer (deleted) cancelled before `cutoff`; returns how many. */
  async deleteOrphansCancelledBefore(cutoff: Date, tx: Tx): Promise<number> {
    const result = await managerOf(tx, this.dataSource)
      .getRepository(Meeting)
      .delete({ organizerId: IsNull(), cancelledAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  /**
   * The meetings whose last date may be before `cutoff` and that still have invitations
   * (candidates for invitation retention): one-off meetings ended (or cancelled) before it, and
   * every series that started before it (its dates decide).
   */
  retentionCandidates(cutoff: Date): Promise<Meeting[]> {
    return this.dataSource
      .getRepository(Meeting)
      .createQueryBuilder('m')
      .where('EXISTS (SELECT 1 FROM invitations i WHERE i.meeting_id = m.id)')
      .andWhere('((m.rrule IS NULL AND least(m.ends_at, coalesce(m.cancelled_at, m.ends_at)) < :cutoff) OR (m.rrule IS NOT NULL AND m.starts_at < :cutoff))', {
        cutoff,
      })
      .getMany();
  }

  /** The meeting an organizer's one-time form id created, if it did. */
  formSubmission(organizerId: string, formId: string): Promise<MeetingFormSubmission | null> {
    return this.dataSource.getRepository(MeetingFormSubmission).findOneBy({ organizerId, formId });
  }

  /** Remembers the form id with its meeting (a second insert of the same id fails: isUniqueViolation). */
  async recordFormSubmission(row: Pick<MeetingFormSubmission, 'organizerId' | 'formId' | 'meetingId'>, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(MeetingFormSubmission).insert(row);
  }
}
