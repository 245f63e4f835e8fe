import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { User } from '@moderato/identity';
import { Invitation } from './invitation.entity';
import { Meeting } from './meeting.entity';

/** At most this many meetings of each kind (organized, invited) on a dashboard or in a feed. */
export const AGENDA_LIMIT = 500;

/** A person's meetings and invitations for the dashboard, the week view and the calendar feed. */
@Injectable()
export class AgendaStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The meetings the person organizes, not cancelled, that end after `from` (every series: its dates decide). */
  organized(userId: string, from: Date): Promise<Meeting[]> {
    return this.dataSource
      .getRepository(Meeting)
      .createQueryBuilder('meeting')
      .leftJoinAndSelect('meeting.organizer', 'organizer')
      .where('meeting.organizer_id = :userId', { userId })
      .andWhere('meeting.cancelled_at IS NULL')
      .andWhere('(meeting.rrule IS NOT NULL OR meeting.ends_at > :from)', { from })
      .orderBy('meeting.starts_at', 'ASC')
      .limit(AGENDA_LIMIT)
      .getMany();
  }

  /**
   * The person's invitations that are not revoked, to meetings not cancelled that end after
   * `from`: bound to them, or sent to their address once it is verified (as "My invitations").
   */
  invited(user: User, from: Date): Promise<Invitation[]> {
    return this.dataSource
      .getRepository(Invitation)
      .createQueryBuilder('invitation')
      .innerJoinAndSelect('invitation.meeting', 'meeting')
      .leftJoinAndSelect('meeting.organizer', 'organizer')
      .where('invitation.status <> :revoked', { revoked: 'revoked' })
      .andWhere('meeting.cancelled_at IS NULL')
      .andWhere('(meeting.rrule IS NOT NULL OR meeting.ends_at > :from)', { from })
      .andWhere(
        user.emailVerified
          ? '(invitation.bound_user_id = :user OR (invitation.bound_user_id IS NULL AND invitation.email = :email))'
          : 'invitation.bound_user_id = :user',
        { user: user.id, email: user.email.toLowerCase() },
      )
      .orderBy('meeting.starts_at', 'ASC')
      .limit(AGENDA_LIMIT)
      .getMany();
  }
}
