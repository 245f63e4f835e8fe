import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type { Locale } from '@moderato/config';
import { Clock, dateTimeFormat, singleLine } from '@moderato/core';
import { QUEUES } from '@moderato/jobs';
import { LinkCodes, OutboxDeliveries, type DeliveryOutcome, type OutboxDelivery, type OutboxMessage } from '@moderato/meetings';
import { PolicyService } from '@moderato/policy';
import { isLocale as isMailLocale } from '@moderato/i18n';
import { buildIcs } from './ics';
import { MailTransport, isPermanentMailError } from './mail-transport';
import {
  MAIL_CONCURRENCY,
  MAIL_LOCK_MS,
  MAIL_OPTIONS,
  MAIL_STALLED_CHECK_MS,
  type MailJob,
  type MailJobResult,
  type ResolvedMailOptions,
} from './mail.options';
import { renderMail, type RenderMailInput } from './templates';

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

/**
 * Sends the mail of one outbox row: OutboxDeliveries (libs/meetings) keeps the row locked from
 * the check "not sent yet" until it is marked with the outcome decided here, so two workers never
 * send it twice. A temporary failure (SMTP down, time-out, 4xx) makes the row `retrying`, due
 * again after a doubling delay capped at retryMaxDelayMs; the relay enqueues it then. It is
 * `failed` at once on a permanent failure (5xx for the recipient or message), or after
 * retryForMs of failures.
 */
// A job whose worker died goes to another worker after MAIL_LOCK_MS to MAIL_LOCK_MS + MAIL_STALLED_CHECK_MS.
@Processor(QUEUES.mail, { concurrency: MAIL_CONCURRENCY, lockDuration: MAIL_LOCK_MS, stalledInterval: MAIL_STALLED_CHECK_MS })
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger('MailProcessor');

  constructor(
    private readonly deliveries: OutboxDeliveries,
    private readonly transport: MailTransport,
    private readonly linkCodes: LinkCodes,
    private readonly policy: PolicyService,
    @Inject(MAIL_OPTIONS) private readonly options: ResolvedMailOptions,
    private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job<MailJob>): Promise<MailJobResult> {
    const outboxId = job.data.outboxId;
    // Logged once the outcome is written.
    let warning: string | undefined;
    const result = await this.deliveries.deliver(outboxId, async (delivery) => {
      try {
        return await this.send(delivery);
      } catch (error) {
        const failed = this.failed(delivery.message, error);
        warning = failed.warning;
        return failed.outcome;
      }
    });
    if (warning) this.logger.warn(warning);
    switch (result.outcome) {
      case 'sent':
        return { outboxId, outcome: 'sent' };
      case 'skipped':
        return { outboxId, outcome: 'skipped', reason: result.reason };
      default:
        return { outboxId, outcome: result.outcome, reason: result.error };
    }
  }

  /** Schedules the next attempt of a temporary failure, or gives up. */
  private failed(row: OutboxMessage, error: unknown): { outcome: DeliveryOutcome; warning: string } {
    const message = this.transport.describeError(error);
    const now = this.clock.now();
    const attempts = row.attempts + 1;
    const failingSince = row.failingSince ?? now;
    const permanent = isPermanentMailError(error);
    if (permanent || now.getTime() - failingSince.getTime() >= this.options.retryForMs) {
      return {
        outcome: { outcome: 'failed', error: message, attemptAt: now },
        warning: `mail ${row.kind} ${row.id} failed (attempt ${attempts}, ${permanent ? 'permanent' : `failing since ${failingSince.toISOString()}`}), giving up: ${message}`,
      };
    }
    const delay = Math.min(this.options.retryMaxDelayMs, this.options.retryDelayMs * 2 ** Math.min(attempts - 1, 20));
    const next = new Date(now.getTime() + delay);
    return {
      outcome: { outcome: 'retrying', error: message, attemptAt: now, retryAt: next },
      warning: `mail ${row.kind} ${row.id} failed (attempt ${attempts}), retrying at ${next.toISOString()}: ${message}`,
    };
  }

  /** Renders and sends the mail, or says why it is no longer wanted; throws when SMTP fails. */
  private async send({ message: row, invitation, meeting, organizer, invitee }: OutboxDelivery): Promise<DeliveryOutcome> {
    const occurrence = typeof row.payload.occurrence === 'string' ? row.payload.occurrence : undefined;
    const sequence = typeof row.payload.sequence === 'number' ? row.payload.sequence : 0;
    const skip = (reason: string): DeliveryOutcome => ({ outcome: 'skipped', reason });

    if (invitation.status === 'revoked' && row.kind !== 'cancel') return skip('revoked');
    if (meeting.cancelledAt && row.kind !== 'cancel') return skip('meeting cancelled');
    if (row.kind === 'reminder') {
      const at = occurrence ? new Date(occurrence).getTime() : meeting.startsAt.getTime();
      const exception = occurrence ? meeting.recurrenceExceptions.find((e) => new Date(e.occurrence).getTime() === at) : undefined;
      if (exception?.cancelled) return skip('occurrence cancelled');
      // Late (SMTP was down, the worker was off): a reminder after the start only confuses.
      const startsAt = exception?.startsAt ? new Date(exception.startsAt).getTime() : at;
      if (startsAt <= this.clock.now().getTime()) return skip('meeting already started');
    }

    // The invitee's own language and zone when they have an account, else the organizer's language.
    const policy = await this.policy.current();
    const locale: Locale = isMailLocale(invitee?.locale) ? invitee.locale : isMailLocale(organizer?.locale) ? organizer.locale : policy.defaultLocale;
    const timezone = isTimeZone(invitee?.timezone) ? invitee.timezone : meeting.timezone;
    const link = this.linkCodes.linkFor(invitation);
    // A deleted organizer's meeting is cancelled on behalf of the organisation: their name and
    // address appear nowhere, the calendar entry names the product and MAIL_FROM.
    const organizerContact = organizer ? { name: organizer.displayName, email: organizer.email } : undefined;

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
      revoked: row.kind === 'cancel' && row.payload.revoked === true,
      previous:
        row.kind === 'update' && typeof row.payload.previous === 'object' && row.payload.previous
          ? (row.payload.previous as RenderMailInput['previous'])
          : undefined,
    });
    const method = row.kind === 'cancel' ? 'CANCEL' : 'REQUEST';
    const ics =
      row.kind === 'reminder'
        ? undefined
        : buildIcs({
            method,
            meeting,
            organizer: organizerContact ?? { name: policy.productName, email: this.transport.senderAddress() },
            attendee: { name: invitation.name, email: invitation.email, role: invitation.role },
            sequence,
            link,
            productName: policy.productName,
            occurrence: occurrence ? new Date(occurrence) : undefined,
            stamp: this.clock.now(),
          });

    await this.transport.send({
      to: singleLine(invitation.name).trim() ? { name: singleLine(invitation.name).trim(), address: invitation.email } : invitation.email,
      replyTo: organizer ? { name: singleLine(organizer.displayName).trim(), address: organizer.email } : undefined,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { [OUTBOX_ID_HEADER]: row.id },
      icalEvent: ics ? { method, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: ics } : undefined,
    });

    // The outbox row and the invitation are marked sent in one statement (OutboxDeliveries).
    return { outcome: 'sent' };
  }
}
