import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { EntityColumns, preparedTransaction, rowReader, type PreparedRunner, namedStatement } from '@moderato/database';
import type { Locale } from '@moderato/config';
import { Clock, dateTimeFormat, singleLine } from '@moderato/core';
import { User } from '@moderato/identity';
import { QUEUES } from '@moderato/jobs';
import { Invitation, LinkCodes, Meeting, OutboxMessage } from '@moderato/meetings';
import { PolicyService } from '@moderato/policy';
import { isLocale as isMailLocale } from '@moderato/i18n';
import { buildIcs } from './ics';
import { MailTransport, isPermanentMailError } from './mail-transport';
import { MAIL_CONCURRENCY, MAIL_OPTIONS, type MailJob, type MailJobResult, type ResolvedMailOptions } from './mail.options';
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

const SENT_STATEMENT = namedStatement(
  'moderato_mail_sent',
  `WITH sent AS (UPDATE "outbox_messages" SET "status" = 'sent', "sent_at" = $2, "attempts" = $3 WHERE "id" = $1)
         UPDATE "invitations" SET "status" = 'sent', "sent_at" = $2, "updated_at" = now() WHERE "id" = $4 AND "status" <> 'revoked'`,
);
const SKIPPED_STATEMENT = namedStatement(
  'moderato_mail_skipped',
  `UPDATE "outbox_messages" SET "status" = 'sent', "sent_at" = $2, "last_error" = $3 WHERE "id" = $1`,
);
/** A temporary failure: the row is due again at $5 (the relay enqueues it then), its invitation shows `retrying`. */
const RETRY_STATEMENT = namedStatement(
  'moderato_mail_retry',
  `WITH retrying AS (UPDATE "outbox_messages" SET "status" = 'retrying', "attempts" = $2, "last_error" = $3, "last_attempt_at" = $4, "failing_since" = coalesce("failing_since", $4), "not_before" = $5 WHERE "id" = $1)
         UPDATE "invitations" SET "status" = 'retrying', "updated_at" = now() WHERE "id" = $6 AND "status" NOT IN ('revoked', 'retrying')`,
);
/** A permanent failure, or temporary ones for longer than MAIL_RETRY_HOURS: given up. */
const FAILED_STATEMENT = namedStatement(
  'moderato_mail_failed',
  `WITH failed AS (UPDATE "outbox_messages" SET "status" = 'failed', "attempts" = $2, "last_error" = $3, "last_attempt_at" = $4, "failing_since" = coalesce("failing_since", $4) WHERE "id" = $1)
         UPDATE "invitations" SET "status" = 'failed', "updated_at" = now() WHERE "id" = $5 AND "status" <> 'revoked'`,
);
/** A row that was retrying is skipped: its invitation no longer shows `retrying` unless another of its mails is. */
const INVITATION_NOT_RETRYING_STATEMENT = namedStatement(
  'moderato_mail_invitation_not_retrying',
  `UPDATE "invitations" SET "status" = CASE WHEN "sent_at" IS NULL THEN 'pending' ELSE 'sent' END, "updated_at" = now()
          WHERE "id" = $1 AND "status" = 'retrying' AND NOT EXISTS (SELECT 1 FROM "outbox_messages" WHERE "invitation_id" = $1 AND "status" = 'retrying' AND "id" <> $2)`,
);

/**
 * Delivers one outbox row. The row stays locked (FOR UPDATE) from the check "not sent yet" until
 * it is marked sent, so two workers never send it twice; a row already `sent` is left alone.
 * A temporary failure (SMTP down, time-out, 4xx) makes the row `retrying`, due again after a
 * doubling delay capped at retryMaxDelayMs; the relay enqueues it then. It is `failed` at once on
 * a permanent failure (5xx for the recipient or message), or after retryForMs of failures.
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
    @Inject(MAIL_OPTIONS) private readonly options: ResolvedMailOptions,
    private readonly clock: Clock,
  ) {
    super();
    this.outboxColumns = new EntityColumns(dataSource, OutboxMessage);
    this.invitationColumns = new EntityColumns(dataSource, Invitation);
    this.meetingColumns = new EntityColumns(dataSource, Meeting);
    this.userColumns = new EntityColumns(dataSource, User);
    this.loadStatement = namedStatement(
      'moderato_mail_load',
      `SELECT ${this.outboxColumns.select('o')}, ${this.invitationColumns.select('i')}, ${this.meetingColumns.select('m')}, ${this.userColumns.select('organizer')}, ${this.userColumns.select('invitee')}
               FROM "outbox_messages" "o"
               LEFT JOIN "invitations" "i" ON "i"."id" = "o"."invitation_id"
               LEFT JOIN "meetings" "m" ON "m"."id" = "i"."meeting_id"
               LEFT JOIN "users" "organizer" ON "organizer"."id" = "m"."organizer_id"
               LEFT JOIN LATERAL (SELECT * FROM "users" "u" WHERE "u"."email" = lower("i"."email") ORDER BY "u"."last_login_at" DESC NULLS LAST LIMIT 1) "invitee" ON true
              WHERE "o"."id" = $1
                FOR UPDATE OF "o"`,
    );
  }

  private readonly outboxColumns: EntityColumns<OutboxMessage>;
  private readonly invitationColumns: EntityColumns<Invitation>;
  private readonly meetingColumns: EntityColumns<Meeting>;
  private readonly userColumns: EntityColumns<User>;
  private readonly loadStatement: { name: string; text: string };

  async process(job: Job<MailJob>): Promise<MailJobResult> {
    const outboxId = job.data.outboxId;
    // Every mail runs this: prepared statements on one pooled connection (see hot-path.ts).
    return preparedTransaction(this.dataSource, async (run): Promise<MailJobResult> => {
      const loaded = await this.load(run, outboxId);
      if (!loaded) return { outboxId, outcome: 'skipped', reason: 'no such outbox row' };
      const { row, invitee } = loaded;
      if (row.status === 'sent' || row.status === 'failed') return { outboxId, outcome: 'skipped', reason: `already ${row.status}` };
      try {
        return await this.deliver(run, row, invitee);
      } catch (error) {
        return this.failed(run, row, error);
      }
    });
  }

  /** Schedules the next attempt of a temporary failure, or gives up. */
  private async failed(run: PreparedRunner, row: OutboxMessage, error: unknown): Promise<MailJobResult> {
    const message = this.transport.describeError(error);
    const now = this.clock.now();
    const attempts = row.attempts + 1;
    const failingSince = row.failingSince ?? now;
    const permanent = isPermanentMailError(error);
    if (permanent || now.getTime() - failingSince.getTime() >= this.options.retryForMs) {
      await run(FAILED_STATEMENT, [row.id, attempts, message, now, row.invitationId]);
      this.logger.warn(
        `mail ${row.kind} ${row.id} failed (attempt ${attempts}, ${permanent ? 'permanent' : `failing since ${failingSince.toISOString()}`}), giving up: ${message}`,
      );
      return { outboxId: row.id, outcome: 'failed', reason: message };
    }
    const delay = Math.min(this.options.retryMaxDelayMs, this.options.retryDelayMs * 2 ** Math.min(attempts - 1, 20));
    const next = new Date(now.getTime() + delay);
    await run(RETRY_STATEMENT, [row.id, attempts, message, now, next, row.invitationId]);
    this.logger.warn(`mail ${row.kind} ${row.id} failed (attempt ${attempts}), retrying at ${next.toISOString()}: ${message}`);
    return { outboxId: row.id, outcome: 'retrying', reason: message };
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
    await run(SKIPPED_STATEMENT, [row.id, this.clock.now(), `skipped: ${reason}`]);
    if (row.attempts > 0 && row.invitationId) await run(INVITATION_NOT_RETRYING_STATEMENT, [row.invitationId, row.id]);
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
    if (row.kind === 'reminder') {
      const at = occurrence ? new Date(occurrence).getTime() : meeting.startsAt.getTime();
      const exception = occurrence ? meeting.recurrenceExceptions.find((e) => new Date(e.occurrence).getTime() === at) : undefined;
      if (exception?.cancelled) return this.skip(run, row, 'occurrence cancelled');
      // Late (SMTP was down, the worker was off): a reminder after the start only confuses.
      const startsAt = exception?.startsAt ? new Date(exception.startsAt).getTime() : at;
      if (startsAt <= this.clock.now().getTime()) return this.skip(run, row, 'meeting already started');
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
            stamp: this.clock.now(),
          });

    await this.transport.send({
      to: singleLine(invitation.name).trim() ? { name: singleLine(invitation.name).trim(), address: invitation.email } : invitation.email,
      replyTo: { name: singleLine(organizer.displayName).trim(), address: organizer.email },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { [OUTBOX_ID_HEADER]: row.id },
      icalEvent: ics ? { method, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: ics } : undefined,
    });

    // The outbox row and the invitation marked sent in one statement.
    await run(SENT_STATEMENT, [row.id, this.clock.now(), row.attempts + 1, invitation.id]);
    return { outboxId: row.id, outcome: 'sent' };
  }
}
