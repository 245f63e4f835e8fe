import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { EntityColumns, preparedTransaction, rowReader, type PreparedRunner } from '@moderato/database';
import type { Locale } from '@moderato/config';
import { dateTimeFormat } from '@moderato/core';
import { User } from '@moderato/identity';
import { QUEUES } from '@moderato/jobs';
import { Invitation, LinkCodes, Meeting, OutboxMessage } from '@moderato/meetings';
import { PolicyService } from '@moderato/policy';
import { isMailLocale } from './i18n';
import { buildIcs } from './ics';
import { MailTransport } from './mail-transport';
import { MAIL_CONCURRENCY, type MailJob, type MailJobResult } from './mail.options';
import { renderMail } from './templates';

export const OUTBOX_ID_HEADER = 'X-Moderato-Outbox-Id';

const isTimeZone = (zone: string | null | undefined): zone is string => {
  if (!zone) return false;
  try {
    dateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

type Outcome = { result: MailJobResult } | { error: unknown };

const SENT_STATEMENT = {
  name: 'moderato_mail_sent',
  text: `WITH sent AS (UPDATE "outbox_messages" SET "status" = 'sent', "sent_at" = $2, "attempts" = $3 WHERE "id" = $1)
         UPDATE "invitations" SET "status" = 'sent', "sent_at" = $2, "updated_at" = now() WHERE "id" = $4 AND "status" <> 'revoked'`,
};
const SKIPPED_STATEMENT = { name: 'moderato_mail_skipped', text: `UPDATE "outbox_messages" SET "status" = 'sent', "sent_at" = $2, "last_error" = $3 WHERE "id" = $1` };
const FAILED_STATEMENT = {
  name: 'moderato_mail_failed',
  text: `UPDATE "outbox_messages" SET "attempts" = $2, "last_error" = $3, "status" = CASE WHEN $4::boolean THEN 'failed' ELSE "status" END WHERE "id" = $1`,
};
const INVITATION_FAILED_STATEMENT = { name: 'moderato_mail_invitation_failed', text: `UPDATE "invitations" SET "status" = 'failed', "updated_at" = now() WHERE "id" = $1 AND "status" <> 'revoked'` };

/**
 * Delivers one outbox row. The row stays locked (FOR UPDATE) from the check "not sent yet" until
 * it is marked sent, so two workers never send it twice; a row already `sent` is left alone.
 */
// A job whose worker died (SIGKILL, a lost host) goes to another worker after 10-20 s, not BullMQ's
// default 30-60 s; the lock is renewed every 5 s while a job runs.
@Processor(QUEUES.mail, { concurrency: MAIL_CONCURRENCY, lockDuration: 10_000, stalledInterval: 5_000 })
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger('MailProcessor');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly linkCodes: LinkCodes,
    private readonly policy: PolicyService,
  ) {
    super();
    this.outboxColumns = new EntityColumns(dataSource, OutboxMessage);
    this.invitationColumns = new EntityColumns(dataSource, Invitation);
    this.meetingColumns = new EntityColumns(dataSource, Meeting);
    this.userColumns = new EntityColumns(dataSource, User);
    this.loadStatement = {
      name: 'moderato_mail_load',
      text: `SELECT ${this.outboxColumns.select('o')}, ${this.invitationColumns.select('i')}, ${this.meetingColumns.select('m')}, ${this.userColumns.select('organizer')}, ${this.userColumns.select('invitee')}
               FROM "outbox_messages" "o"
               LEFT JOIN "invitations" "i" ON "i"."id" = "o"."invitation_id"
               LEFT JOIN "meetings" "m" ON "m"."id" = "i"."meeting_id"
               LEFT JOIN "users" "organizer" ON "organizer"."id" = "m"."organizer_id"
               LEFT JOIN LATERAL (SELECT * FROM "users" "u" WHERE "u"."email" = lower("i"."email") ORDER BY "u"."last_login_at" DESC NULLS LAST LIMIT 1) "invitee" ON true
              WHERE "o"."id" = $1
                FOR UPDATE OF "o"`,
    };
  }

  private readonly outboxColumns: EntityColumns<OutboxMessage>;
  private readonly invitationColumns: EntityColumns<Invitation>;
  private readonly meetingColumns: EntityColumns<Meeting>;
  private readonly userColumns: EntityColumns<User>;
  private readonly loadStatement: { name: string; text: string };

  async process(job: Job<MailJob>): Promise<MailJobResult> {
    const outboxId = job.data.outboxId;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // Every mail runs this: prepared statements on one pooled connection (see hot-path.ts).
    const outcome = await preparedTransaction(this.dataSource, async (run): Promise<Outcome> => {
      const loaded = await this.load(run, outboxId);
      if (!loaded) return { result: { outboxId, outcome: 'skipped', reason: 'no such outbox row' } };
      const { row, invitee } = loaded;
      if (row.status === 'sent' || row.status === 'failed') return { result: { outboxId, outcome: 'skipped', reason: `already ${row.status}` } };
      try {
        return { result: await this.deliver(run, row, invitee) };
      } catch (error) {
        const message = this.transport.describeError(error);
        await run(FAILED_STATEMENT, [row.id, row.attempts + 1, message, lastAttempt]);
        if (lastAttempt && row.invitationId) await run(INVITATION_FAILED_STATEMENT, [row.invitationId]);
        this.logger.warn(`mail ${row.kind} ${row.id} failed (attempt ${row.attempts + 1}${lastAttempt ? ', giving up' : ''}): ${message}`);
        return { error: new Error(message) };
      }
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  /**
   * The outbox row, locked (two workers never send it twice), with its invitation, meeting,
   * organizer and the invitee's account (their language and zone; the most recently used one
   * when several accounts share the address): one round trip.
   */
  private async load(run: PreparedRunner, outboxId: string): Promise<{ row: OutboxMessage; invitee: User | undefined } | undefined> {
    const [values] = await run(this.loadStatement, [outboxId]);
    if (!values) return undefined;
    const next = rowReader(values);
    const row = next(this.outboxColumns)!;
    const invitation = next(this.invitationColumns);
    const meeting = next(this.meetingColumns);
    const organizer = next(this.userColumns);
    const invitee = next(this.userColumns);
    if (meeting && organizer) meeting.organizer = organizer;
    if (invitation && meeting) invitation.meeting = meeting;
    row.invitation = invitation ?? null;
    return { row, invitee };
  }

  private async skip(run: PreparedRunner, row: OutboxMessage, reason: string): Promise<MailJobResult> {
    await run(SKIPPED_STATEMENT, [row.id, new Date(), `skipped: ${reason}`]);
    return { outboxId: row.id, outcome: 'skipped', reason };
  }

  private async deliver(run: PreparedRunner, row: OutboxMessage, invitee: User | undefined): Promise<MailJobResult> {
    const invitation = row.invitation ?? null;
    if (!invitation?.meeting?.organizer) return this.skip(run, row, 'no invitation');
    const meeting: Meeting = invitation.meeting;
    const organizer: User = invitation.meeting.organizer;
    const occurrence = typeof row.payload.occurrence === 'string' ? row.payload.occurrence : undefined;
    const sequence = typeof row.payload.sequence === 'number' ? row.payload.sequence : 0;

    if (invitation.status === 'revoked' && row.kind !== 'cancel') return this.skip(run, row, 'revoked');
    if (meeting.cancelledAt && row.kind !== 'cancel') return this.skip(run, row, 'meeting cancelled');
    if (row.kind === 'reminder' && occurrence) {
      const at = new Date(occurrence).getTime();
      if (meeting.recurrenceExceptions.some((e) => e.cancelled && new Date(e.occurrence).getTime() === at)) return this.skip(run, row, 'occurrence cancelled');
    }

    // The invitee's own language and zone when they have an account, else the organizer's language.
    const policy = await this.policy.current();
    const locale: Locale = isMailLocale(invitee?.locale) ? invitee.locale : isMailLocale(organizer.locale) ? organizer.locale : policy.defaultLocale;
    const timezone = isTimeZone(invitee?.timezone) ? invitee.timezone : meeting.timezone;
    const link = this.linkCodes.linkFor(invitation);
    const organizerContact = { name: organizer.displayName, email: organizer.email };

    const mail = renderMail({
      kind: row.kind,
      locale,
      productName: policy.productName,
      branding: { logoUrl: policy.logoUrl, supportContact: policy.supportContact, mailFooter: policy.mailFooter },
      invitation,
      meeting,
      organizer: organizerContact,
      link,
      timezone,
      occurrence,
    });
    const method = row.kind === 'cancel' ? 'CANCEL' : 'REQUEST';
    const ics =
      row.kind === 'reminder'
        ? undefined
        : buildIcs({
            method,
            meeting,
            organizer: organizerContact,
            attendee: { name: invitation.name, email: invitation.email, role: invitation.role },
            sequence,
            link,
            productName: policy.productName,
            occurrence: occurrence ? new Date(occurrence) : undefined,
          });

    await this.transport.send({
      to: invitation.name ? { name: invitation.name, address: invitation.email } : invitation.email,
      replyTo: { name: organizer.displayName, address: organizer.email },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { [OUTBOX_ID_HEADER]: row.id },
      icalEvent: ics ? { method, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: ics } : undefined,
    });

    // The outbox row and the invitation marked sent in one statement.
    await run(SENT_STATEMENT, [row.id, new Date(), row.attempts + 1, invitation.id]);
    return { outboxId: row.id, outcome: 'sent' };
  }
}
