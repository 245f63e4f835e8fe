import { Injectable } from '@nestjs/common';
import { Clock } from '@moderato/core';
import type { User } from '@moderato/identity';
import type { Invitation } from '../invitation.entity';
import type { Meeting } from '../meeting.entity';
import type { OutboxMessage } from '../outbox-message.entity';
import { OutboxDeliveryStore } from './outbox-delivery.store';

/** What a mail is about: the outbox row (locked while its mail is sent) and everything its mail says. */
export interface OutboxDelivery {
  message: OutboxMessage;
  invitation: Invitation;
  meeting: Meeting;
  /** Undefined for a meeting whose organizer was deleted (it is cancelled: only its cancellations are sent). */
  organizer: User | undefined;
  /** The invitee's account (their language and zone), when they have one. */
  invitee: User | undefined;
}

/**
 * How a delivery ended. `retrying`: a temporary failure, the row is due again at `retryAt`;
 * `failed`: given up. `attemptAt` is when the failed attempt was made (the first of a run of
 * failures sets the row's `failing_since`).
 */
export type DeliveryOutcome =
  | { outcome: 'sent' }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'retrying'; error: string; attemptAt: Date; retryAt: Date }
  | { outcome: 'failed'; error: string; attemptAt: Date };

/**
 * Delivers one outbox row. The row stays locked (FOR UPDATE) from the check "not sent yet" until
 * it is marked with the outcome of `send`, so two workers never send it twice; a row already
 * `sent` or `failed` is left alone. `send` (the mail lib: rendering, SMTP, the retry policy)
 * returns the outcome instead of throwing.
 */
@Injectable()
export class OutboxDeliveries {
  constructor(
    private readonly store: OutboxDeliveryStore,
    private readonly clock: Clock,
  ) {}

  deliver(outboxId: string, send: (delivery: OutboxDelivery) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
    return this.store.transaction(async (run): Promise<DeliveryOutcome> => {
      const loaded = await this.store.load(run, outboxId);
      if (!loaded) return { outcome: 'skipped', reason: 'no such outbox row' };
      const { row, invitee } = loaded;
      if (row.status === 'sent' || row.status === 'failed') return { outcome: 'skipped', reason: `already ${row.status}` };
      const invitation = row.invitation;
      if (!invitation?.meeting) {
        await this.store.markSkipped(run, row, 'no invitation', this.clock.now());
        return { outcome: 'skipped', reason: 'no invitation' };
      }
      // The organizer was deleted: their meetings were cancelled, and the invitees must still hear it.
      if (!invitation.meeting.organizer && row.kind !== 'cancel') {
        await this.store.markSkipped(run, row, 'no organizer', this.clock.now());
        return { outcome: 'skipped', reason: 'no organizer' };
      }
      const outcome = await send({ message: row, invitation, meeting: invitation.meeting, organizer: invitation.meeting.organizer, invitee });
      switch (outcome.outcome) {
        case 'sent':
          await this.store.markSent(run, row, invitation.id, this.clock.now());
          break;
        case 'skipped':
          await this.store.markSkipped(run, row, outcome.reason, this.clock.now());
          break;
        case 'retrying':
          await this.store.markRetrying(run, row, outcome.error, outcome.attemptAt, outcome.retryAt);
          break;
        case 'failed':
          await this.store.markFailed(run, row, outcome.error, outcome.attemptAt);
          break;
      }
      return outcome;
    });
  }
}
