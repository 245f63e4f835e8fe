import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
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

/**
 * Delivers one outbox row. The row stays locked (FOR UPDATE) from the check "not sent yet" until
 * it is marked sent, so two workers never send it twice; a row already `sent` is left alone.
 */
@Processor(QUEUES.mail, { concurrency: MAIL_CONCURRENCY })
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger('MailProcessor');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly linkCodes: LinkCodes,
    private readonly policy: PolicyService,
  ) {
    super();
  }

  async process(job: Job<MailJob>): Promise<MailJobResult> {
    const outboxId = job.data.outboxId;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.dataSource.transaction(async (manager): Promise<Outcome> => {
      // The row (locked: two workers never send it twice) with its invitation, meeting and organizer: one round trip.
      const row = await manager
        .getRepository(OutboxMessage)
        .createQueryBuilder('outbox')
        .leftJoinAndSelect('outbox.invitation', 'invitation')
        .leftJoinAndSelect('invitation.meeting', 'meeting')
        .leftJoinAndSelect('meeting.organizer', 'organizer')
        .where('outbox.id = :id', { id: outboxId })
        .setLock('pessimistic_write', undefined, ['outbox'])
        .getOne();
      if (!row) return { result: { outboxId, outcome: 'skipped', reason: 'no such outbox row' } };
      if (row.status === 'sent' || row.status === 'failed') return { result: { outboxId, outcome: 'skipped', reason: `already ${row.status}` } };
      try {
        return { result: await this.deliver(manager, row) };
      } catch (error) {
        const message = this.transport.describeError(error);
        await manager.update(OutboxMessage, { id: row.id }, { attempts: row.attempts + 1, lastError: message, ...(lastAttempt ? { status: 'failed' as const } : {}) });
        if (lastAttempt && row.invitationId) {
          await manager
            .createQueryBuilder()
            .update(Invitation)
            .set({ status: 'failed' })
            .where('id = :id AND status <> :revoked', { id: row.invitationId, revoked: 'revoked' })
            .execute();
        }
        this.logger.warn(`mail ${row.kind} ${row.id} failed (attempt ${row.attempts + 1}${lastAttempt ? ', giving up' : ''}): ${message}`);
        return { error: new Error(message) };
      }
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  private async skip(manager: EntityManager, row: OutboxMessage, reason: string): Promise<MailJobResult> {
    await manager.update(OutboxMessage, { id: row.id }, { status: 'sent', sentAt: new Date(), lastError: `skipped: ${reason}` });
    return { outboxId: row.id, outcome: 'skipped', reason };
  }

  private async deliver(manager: EntityManager, row: OutboxMessage): Promise<MailJobResult> {
    // Loaded with the locked outbox row (see process()).
    const invitation = row.invitation ?? null;
    if (!invitation?.meeting?.organizer) return this.skip(manager, row, 'no invitation');
    const meeting: Meeting = invitation.meeting;
    const organizer: User = invitation.meeting.organizer;
    const occurrence = typeof row.payload.occurrence === 'string' ? row.payload.occurrence : undefined;
    const sequence = typeof row.payload.sequence === 'number' ? row.payload.sequence : 0;

    if (invitation.status === 'revoked' && row.kind !== 'cancel') return this.skip(manager, row, 'revoked');
    if (meeting.cancelledAt && row.kind !== 'cancel') return this.skip(manager, row, 'meeting cancelled');
    if (row.kind === 'reminder' && occurrence) {
      const at = new Date(occurrence).getTime();
      if (meeting.recurrenceExceptions.some((e) => e.cancelled && new Date(e.occurrence).getTime() === at)) return this.skip(manager, row, 'occurrence cancelled');
    }

    // The invitee's own language and zone when they have an account, else the organizer's language.
    const invitee = await manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.email = :email', { email: invitation.email.toLowerCase() })
      .orderBy('u.last_login_at', 'DESC', 'NULLS LAST')
      .getOne();
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
    await manager.query(
      `WITH sent AS (UPDATE outbox_messages SET status = 'sent', sent_at = $2, attempts = $3 WHERE id = $1)
       UPDATE invitations SET status = 'sent', sent_at = $2, updated_at = now() WHERE id = $4 AND status <> 'revoked'`,
      [row.id, new Date(), row.attempts + 1, invitation.id],
    );
    return { outboxId: row.id, outcome: 'sent' };
  }
}
