import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '@moderato/audit';
import { EntityColumns, namedStatement, preparedQuery, rowReader, type NamedStatement } from '@moderato/database';
import { PeopleStore, type User } from '@moderato/identity';
import { Invitation } from './invitation.entity';
import { MeetingEnd } from './ending/meeting-end.entity';
import { ENDS_READ_BY_JOIN } from './ending/meeting-ends.store';
import { Meeting } from './meeting.entity';
import { MeetingNotFound } from './meetings.errors';

/** An occurrence ended for everyone, as the join reads it. */
export interface EndedOccurrence {
  occurrence: Date;
  endedBy: string;
}

/**
 * The join's reads and writes. Every click on a personal link runs `moderato_join_link`, and every
 * token issued to an invitee `moderato_join_record`: one named prepared statement each (see
 * hot-path.ts in @moderato/database). They read the organizer through the fragment identity
 * exports (PeopleStore) and write the audit event through the one audit exports
 * (`AuditService.insertSql`): one round trip each.
 */
@Injectable()
export class JoinStore {
  private readonly invitationColumns: EntityColumns<Invitation>;
  private readonly meetingColumns: EntityColumns<Meeting>;
  private readonly linkStatement: NamedStatement;
  private readonly recordStatement: NamedStatement;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly people: PeopleStore,
  ) {
    this.invitationColumns = new EntityColumns(dataSource, Invitation);
    this.meetingColumns = new EntityColumns(dataSource, Meeting);
    const [i, m] = [this.invitationColumns, this.meetingColumns];
    const e = new EntityColumns(dataSource, MeetingEnd);
    this.linkStatement = namedStatement(
      'moderato_join_link',
      // The meeting's latest ends ("ended for everyone") ride along: no second query per click.
      `SELECT ${i.select('i')}, ${m.select('m')}, ${people.select('o')},
              (SELECT json_agg(json_build_array("e"."occurrence", "e"."by")) FROM (SELECT ${e.column('occurrence')} AS "occurrence", ${e.column('endedByName')} AS "by" FROM ${e.table}
                WHERE ${e.column('meetingId')} = "m".${m.column('id')} ORDER BY ${e.column('occurrence')} DESC LIMIT ${ENDS_READ_BY_JOIN}) "e")
               FROM ${i.table} "i" JOIN ${m.table} "m" ON "m".${m.column('id')} = "i".${i.column('meetingId')} ${people.joinById('o', `"m".${m.column('organizerId')}`)}
              WHERE "i".${i.column('linkCodeHash')} = $1`,
    );
    // The invitation bound to its invitee and counted, and the token's audit event: one statement.
    this.recordStatement = namedStatement(
      'moderato_join_record',
      `WITH audit AS (${AuditService.insertSql(3)})
         UPDATE ${i.table} SET ${i.column('boundUserId')} = $1, ${i.column('joinedAt')} = COALESCE(${i.column('joinedAt')}, $2), ${i.column('joinCount')} = ${i.column('joinCount')} + 1, ${i.column('updatedAt')} = CURRENT_TIMESTAMP WHERE ${i.column('id')} = $3`,
    );
  }

  /** The invitation whose link code has this SHA-256, with its meeting and organizer. */
  async findLink(codeHash: string): Promise<{ invitation: Invitation; meeting: Meeting; organizer: User; ends: EndedOccurrence[] } | undefined> {
    const [row] = await preparedQuery(this.dataSource, this.linkStatement, [codeHash]);
    if (!row) return undefined;
    const next = rowReader(row);
    const invitation = next(this.invitationColumns);
    const meeting = next(this.meetingColumns);
    const organizer = next(this.people.columns);
    if (!invitation || !meeting || !organizer) return undefined;
    invitation.meeting = meeting;
    const ends = ((row[row.length - 1] as [string, string][] | null) ?? []).map(([occurrence, endedBy]) => ({ occurrence: new Date(occurrence), endedBy }));
    return { invitation, meeting, organizer, ends };
  }

  /** The invitation used by `userId` at `now` (bound to them, counted) and the audit event (`AuditService.insertValues`). */
  async recordJoin(invitationId: string, userId: string, now: Date, auditValues: unknown[]): Promise<void> {
    await preparedQuery(this.dataSource, this.recordStatement, [userId, now, invitationId, ...auditValues]);
  }

  /** The latest ends of one meeting (the Start button; not the hot path). */
  async endsOf(meetingId: string): Promise<EndedOccurrence[]> {
    const rows = await this.dataSource.getRepository(MeetingEnd).find({ where: { meetingId }, order: { occurrence: 'DESC' }, take: ENDS_READ_BY_JOIN });
    return rows.map((end) => ({ occurrence: end.occurrence, endedBy: end.endedByName }));
  }

  /** The organizer of a meeting (the Start button's page shows them). */
  async organizerOf(meeting: Meeting): Promise<User> {
    // A meeting whose organizer was deleted is cancelled: nobody starts it.
    if (!meeting.organizerId) throw new MeetingNotFound(meeting.id);
    const organizer = await this.people.byId(meeting.organizerId);
    if (!organizer) throw new Error(`The organizer ${meeting.organizerId} of meeting ${meeting.id} is missing`);
    return organizer;
  }
}
