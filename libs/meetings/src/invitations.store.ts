import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { type DataSource, In } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import type { User } from '@moderato/identity';
import { Invitation } from './invitation.entity';

/** An invitation's fields as a new one is saved with. */
export type NewInvitation = Pick<Invitation, 'id' | 'meetingId' | 'email' | 'name' | 'role' | 'linkCodeSalt' | 'linkCodeHash' | 'status' | 'groupName'>;

/** The `invitations` table. */
@Injectable()
export class InvitationsStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every invitation of a meeting (the revoked too). */
  ofMeeting(meetingId: string, tx?: Tx): Promise<Invitation[]> {
    return managerOf(tx, this.dataSource).getRepository(Invitation).find({ where: { meetingId } });
  }

  /** Every invitation of a meeting as its page lists them: oldest first, then by address. */
  listed(meetingId: string): Promise<Invitation[]> {
    return this.dataSource.getRepository(Invitation).find({ where: { meetingId }, order: { createdAt: 'ASC', email: 'ASC' } });
  }

  /** The meeting's invitations of these (lower-case) addresses. */
  withEmails(meetingId: string, emails: string[], tx: Tx): Promise<Invitation[]> {
    return managerOf(tx, this.dataSource)
      .getRepository(Invitation)
      .find({ where: { meetingId, email: In(emails) } });
  }

  /** One invitation of a meeting; null for none, and for an id that is no UUID. */
  async byId(id: string, meetingId: string, tx: Tx): Promise<Invitation | null> {
    if (!isUUID(id)) return null;
    return managerOf(tx, this.dataSource).getRepository(Invitation).findOneBy({ id, meetingId });
  }

  async insertMany(rows: NewInvitation[], tx: Tx): Promise<Invitation[]> {
    const repository = managerOf(tx, this.dataSource).getRepository(Invitation);
    return repository.save(
      rows.map((row) => repository.create(row)),
      { chunk: 200 },
    );
  }

  save(invitation: Invitation, tx: Tx): Promise<Invitation> {
    return managerOf(tx, this.dataSource).getRepository(Invitation).save(invitation);
  }

  /** Every invitation of a person (bound to them or sent to their address), with its meeting, oldest first (the export). */
  allOfPerson(person: { id: string; email: string }): Promise<Invitation[]> {
    return this.dataSource
      .getRepository(Invitation)
      .createQueryBuilder('invitation')
      .innerJoinAndSelect('invitation.meeting', 'meeting')
      .where('(invitation.bound_user_id = :id OR invitation.email = :email)', { id: person.id, email: person.email.toLowerCase() })
      .orderBy('meeting.starts_at', 'ASC')
      .getMany();
  }

  /** Deletes every invitation of a person (bound to them or sent to their address), with its mails; returns how many. */
  async deleteOfPerson(person: { id: string; email: string }, tx: Tx): Promise<number> {
    const [, affected] = await managerOf(tx, this.dataSource).query('DELETE FROM invitations WHERE bound_user_id = $1 OR email = $2', [
      person.id,
      person.email.toLowerCase(),
    ]);
    return Number(affected) || 0;
  }

  /** Deletes the invitations of these meetings, with their mails (retention); returns how many. */
  async deleteOfMeetings(meetingIds: string[], tx?: Tx): Promise<number> {
    if (!meetingIds.length) return 0;
    const result = await managerOf(tx, this.dataSource)
      .getRepository(Invitation)
      .delete({ meetingId: In(meetingIds) });
    return result.affected ?? 0;
  }

  /**
   * A person's invitations to meetings not cancelled whose join window may still come (at most
   * 200, with their meeting): bound to them, or sent to their address once it is verified.
   */
  joinableBy(user: User, now: Date): Promise<Invitation[]> {
    return (
      this.dataSource
        .getRepository(Invitation)
        .createQueryBuilder('invitation')
        .innerJoinAndSelect('invitation.meeting', 'meeting')
        .where('invitation.status <> :revoked', { revoked: 'revoked' })
        .andWhere('meeting.cancelled_at IS NULL')
        // Only meetings whose join window has not closed (series: their occurrences decide later):
        // after years of lessons, the oldest 200 were all over and the upcoming ones never shown.
        .andWhere('(meeting.rrule IS NOT NULL OR meeting.ends_at + make_interval(mins => meeting.join_after_minutes) > :now)', { now })
        .andWhere(
          user.emailVerified
            ? '(invitation.bound_user_id = :user OR (invitation.bound_user_id IS NULL AND invitation.email = :email))'
            : 'invitation.bound_user_id = :user',
          {
            user: user.id,
            email: user.email.toLowerCase(),
          },
        )
        .orderBy('meeting.starts_at', 'ASC')
        // limit(), not take(): one row per invitation (the join is many-to-one), so no second,
        // DISTINCT query over every invitation of the person.
        .limit(200)
        .getMany()
    );
  }
}
