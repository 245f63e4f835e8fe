import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EntityColumns, namedStatement, preparedTransaction, rowReader, type NamedStatement, type PreparedRunner } from '@moderato/database';
import { PeopleStore, type User } from '@moderato/identity';
import { Invitation } from '../invitation.entity';
import { Meeting } from '../meeting.entity';
import { OutboxMessage } from '../outbox-message.entity';

/** A locked outbox row with its invitation (→ meeting → organizer) and the invitee's account, if any. */
export interface LoadedOutboxRow {
  row: OutboxMessage;
  invitee: User | undefined;
}

/**
 * The statements of one mail's delivery (every mail runs them: named prepared statements on one
 * pooled connection, see hot-path.ts in @moderato/database). The row stays locked from the load
 * until it is marked, in the transaction `transaction()` opens.
 */
@Injectable()
export class OutboxDeliveryStore {
  private readonly outboxColumns: EntityColumns<OutboxMessage>;
  private readonly invitationColumns: EntityColumns<Invitation>;
  private readonly meetingColumns: EntityColumns<Meeting>;
  private readonly loadStatement: NamedStatement;
  private readonly sentStatement: NamedStatement;
  private readonly skippedStatement: NamedStatement;
  private readonly retryStatement: NamedStatement;
  private readonly failedStatement: NamedStatement;
  private readonly invitationNotRetryingStatement: NamedStatement;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly people: PeopleStore,
  ) {
    const o = (this.outboxColumns = new EntityColumns(dataSource, OutboxMessage));
    const i = (this.invitationColumns = new EntityColumns(dataSource, Invitation));
    this.meetingColumns = new EntityColumns(dataSource, Meeting);
    const m = this.meetingColumns;
    this.loadStatement = namedStatement(
      'moderato_mail_load',
      `SELECT ${o.select('o')}, ${i.select('i')}, ${m.select('m')}, ${people.select('organizer')}, ${people.select('invitee')}
               FROM ${o.table} "o"
               LEFT JOIN ${i.table} "i" ON "i".${i.column('id')} = "o".${o.column('invitationId')}
               LEFT JOIN ${m.table} "m" ON "m".${m.column('id')} = "i".${i.column('meetingId')}
               ${people.joinById('organizer', `"m".${m.column('organizerId')}`, { left: true })}
               ${people.latestByEmail('invitee', `"i".${i.column('email')}`)}
              WHERE "o".${o.column('id')} = $1
                FOR UPDATE OF "o"`,
    );
    // The write statements name their columns through the entities: a renamed property fails the type check.
    const [oStatus, oSentAt, oAttempts, oLastError, oLastAttemptAt, oFailingSince, oId] = [
      o.column('status'),
      o.column('sentAt'),
      o.column('attempts'),
      o.column('lastError'),
      o.column('lastAttemptAt'),
      o.column('failingSince'),
      o.column('id'),
    ];
    const [iStatus, iSentAt, iUpdatedAt, iId] = [i.column('status'), i.column('sentAt'), i.column('updatedAt'), i.column('id')];
    this.sentStatement = namedStatement(
      'moderato_mail_sent',
      `WITH sent AS (UPDATE ${o.table} SET ${oStatus} = 'sent', ${oSentAt} = $2, ${oAttempts} = $3 WHERE ${oId} = $1)
         UPDATE ${i.table} SET ${iStatus} = 'sent', ${iSentAt} = $2, ${iUpdatedAt} = now() WHERE ${iId} = $4 AND ${iStatus} <> 'revoked'`,
    );
    this.skippedStatement = namedStatement(
      'moderato_mail_skipped',
      `UPDATE ${o.table} SET ${oStatus} = 'sent', ${oSentAt} = $2, ${oLastError} = $3 WHERE ${oId} = $1`,
    );
    // A temporary failure: the row is due again at $5 (the relay enqueues it then), its invitation shows `retrying`.
    this.retryStatement = namedStatement(
      'moderato_mail_retry',
      `WITH retrying AS (UPDATE ${o.table} SET ${oStatus} = 'retrying', ${oAttempts} = $2, ${oLastError} = $3, ${oLastAttemptAt} = $4, ${oFailingSince} = coalesce(${oFailingSince}, $4), ${o.column('notBefore')} = $5 WHERE ${oId} = $1)
         UPDATE ${i.table} SET ${iStatus} = 'retrying', ${iUpdatedAt} = now() WHERE ${iId} = $6 AND ${iStatus} NOT IN ('revoked', 'retrying')`,
    );
    // A permanent failure, or temporary ones for longer than MAIL_RETRY_HOURS: given up.
    this.failedStatement = namedStatement(
      'moderato_mail_failed',
      `WITH failed AS (UPDATE ${o.table} SET ${oStatus} = 'failed', ${oAttempts} = $2, ${oLastError} = $3, ${oLastAttemptAt} = $4, ${oFailingSince} = coalesce(${oFailingSince}, $4) WHERE ${oId} = $1)
         UPDATE ${i.table} SET ${iStatus} = 'failed', ${iUpdatedAt} = now() WHERE ${iId} = $5 AND ${iStatus} <> 'revoked'`,
    );
    // A row that was retrying is skipped: its invitation no longer shows `retrying` unless another of its mails is.
    this.invitationNotRetryingStatement = namedStatement(
      'moderato_mail_invitation_not_retrying',
      `UPDATE ${i.table} SET ${iStatus} = CASE WHEN ${iSentAt} IS NULL THEN 'pending' ELSE 'sent' END, ${iUpdatedAt} = now()
          WHERE ${iId} = $1 AND ${iStatus} = 'retrying' AND NOT EXISTS (SELECT 1 FROM ${o.table} WHERE ${o.column('invitationId')} = $1 AND ${oStatus} = 'retrying' AND ${oId} <> $2)`,
    );
  }

  /** BEGIN, `work`, COMMIT (ROLLBACK when it throws) on one pooled connection. */
  transaction<T>(work: (run: PreparedRunner) => Promise<T>): Promise<T> {
    return preparedTransaction(this.dataSource, work);
  }

  /**
   * The outbox row, locked (two workers never send it twice), with its invitation, meeting,
   * organizer and the invitee's account (their language and zone; the most recently used one
   * when several accounts share the address): one round trip.
   */
  async load(run: PreparedRunner, outboxId: string): Promise<LoadedOutboxRow | undefined> {
    const [values] = await run(this.loadStatement, [outboxId]);
    if (!values) return undefined;
    const next = rowReader(values);
    const row = next(this.outboxColumns)!;
    const invitation = next(this.invitationColumns);
    const meeting = next(this.meetingColumns);
    const organizer = next(this.people.columns);
    const invitee = next(this.people.columns);
    if (meeting && organizer) meeting.organizer = organizer;
    if (invitation && meeting) invitation.meeting = meeting;
    row.invitation = invitation ?? null;
    return { row, invitee };
  }

  /** The row and its invitation marked sent in one statement. */
  async markSent(run: PreparedRunner, row: OutboxMessage, invitationId: string, at: Date): Promise<void> {
    await run(this.sentStatement, [row.id, at, row.attempts + 1, invitationId]);
  }

  /** Done without a mail; an invitation that showed `retrying` for this row no longer does. */
  async markSkipped(run: PreparedRunner, row: OutboxMessage, reason: string, at: Date): Promise<void> {
    await run(this.skippedStatement, [row.id, at, `skipped: ${reason}`]);
    if (row.attempts > 0 && row.invitationId) await run(this.invitationNotRetryingStatement, [row.invitationId, row.id]);
  }

  async markRetrying(run: PreparedRunner, row: OutboxMessage, error: string, attemptAt: Date, retryAt: Date): Promise<void> {
    await run(this.retryStatement, [row.id, row.attempts + 1, error, attemptAt, retryAt, row.invitationId]);
  }

  async markFailed(run: PreparedRunner, row: OutboxMessage, error: string, attemptAt: Date): Promise<void> {
    await run(this.failedStatement, [row.id, row.attempts + 1, error, attemptAt, row.invitationId]);
  }
}
