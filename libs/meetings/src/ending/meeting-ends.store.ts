import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { Invitation } from '../invitation.entity';
import { Meeting } from '../meeting.entity';
import { MeetingEnd } from './meeting-end.entity';

/** How many of a meeting's latest ends the join statement reads (the open window's occurrence is among the latest). */
export const ENDS_READ_BY_JOIN = 3;

/** The ends of meetings (`meeting_ends`) and the co-moderator question the End button asks. */
@Injectable()
export class MeetingEndsStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The end of this occurrence, or null. */
  find(meetingId: string, occurrence: Date, tx?: Tx): Promise<MeetingEnd | null> {
    return managerOf(tx, this.dataSource).getRepository(MeetingEnd).findOneBy({ meetingId, occurrence });
  }

  /** Records the end; an occurrence ended before keeps its first end (false then). */
  async record(end: MeetingEnd, tx: Tx): Promise<boolean> {
    const result = await managerOf(tx, this.dataSource).createQueryBuilder().insert().into(MeetingEnd).values(end).orIgnore().execute();
    return (result.raw as unknown[]).length > 0 || result.identifiers.some(Boolean);
  }

  /**
   * Whether `user` holds a moderator invitation to the meeting (not revoked): bound to them, or
   * to their verified address.
   */
  async isCoModerator(meetingId: string, user: { id: string; email: string; emailVerified: boolean }): Promise<boolean> {
    const query = this.dataSource
      .getRepository(Invitation)
      .createQueryBuilder('i')
      .where('i.meetingId = :meetingId', { meetingId })
      .andWhere("i.role = 'moderator'")
      .andWhere("i.status <> 'revoked'");
    if (user.emailVerified)
      query.andWhere('(i.boundUserId = :id OR (i.boundUserId IS NULL AND lower(i.email) = lower(:email)))', { id: user.id, email: user.email });
    else query.andWhere('i.boundUserId = :id', { id: user.id });
    return (await query.getCount()) > 0;
  }

  /** A deleted person's ends name their pseudonym instead (the id goes with the account: ON DELETE SET NULL). */
  async pseudonymise(userId: string, label: string, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(MeetingEnd).update({ endedById: userId }, { endedByName: label });
  }

  /**
   * Meetings whose dates may have to be ended automatically: not cancelled, begun, a series or a
   * meeting that ended after `since`, and asking for it (`options.autoEnd`, else the policy).
   */
  autoEndCandidates(policyOn: boolean, since: Date, now: Date): Promise<Meeting[]> {
    const query = this.dataSource
      .getRepository(Meeting)
      .createQueryBuilder('m')
      .where('m.cancelledAt IS NULL')
      .andWhere('m.startsAt <= :now', { now })
      .andWhere('(m.rrule IS NOT NULL OR m.endsAt >= :since)', { since });
    if (policyOn) query.andWhere(`COALESCE(m.options->>'autoEnd', '') <> 'false'`);
    else query.andWhere(`m.options->>'autoEnd' = 'true'`);
    return query.getMany();
  }

  /** Whether `user` holds any invitation to the meeting (a pupil: refused with 403, not 404). */
  async isInvited(meetingId: string, user: { id: string; email: string }): Promise<boolean> {
    const count = await this.dataSource
      .getRepository(Invitation)
      .createQueryBuilder('i')
      .where('i.meetingId = :meetingId', { meetingId })
      .andWhere("i.status <> 'revoked'")
      .andWhere('(i.boundUserId = :id OR lower(i.email) = lower(:email))', { id: user.id, email: user.email })
      .getCount();
    return count > 0;
  }
}
