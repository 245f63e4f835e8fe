import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { OutboxMessage, type OutboxKind } from './outbox-message.entity';

/**
 * The `outbox_messages` rows a change writes, in the change's transaction (the outbox contract:
 * no mail is lost when Redis or SMTP is down). Delivering them is the mail worker's.
 */
@Injectable()
export class OutboxWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One mail of `kind` per invitation, due now (`extra`: more of the payload, e.g. `revoked`). */
  async notify(invitationIds: string[], kind: OutboxKind, sequence: number, now: Date, tx: Tx, extra: Record<string, unknown> = {}): Promise<void> {
    if (!invitationIds.length) return;
    const repository = managerOf(tx, this.dataSource).getRepository(OutboxMessage);
    await repository.save(
      invitationIds.map((invitationId) => repository.create({ kind, invitationId, payload: { ...extra, sequence }, status: 'pending', notBefore: now })),
      { chunk: 200 },
    );
  }

  /** Reminder mails, each due at its time before its occurrence. */
  async remind(reminders: { invitationId: string; sequence: number; occurrence: Date; due: Date }[], tx: Tx): Promise<void> {
    if (!reminders.length) return;
    const repository = managerOf(tx, this.dataSource).getRepository(OutboxMessage);
    await repository.save(
      reminders.map(({ invitationId, sequence, occurrence, due }) =>
        repository.create({ kind: 'reminder', invitationId, payload: { sequence, occurrence: occurrence.toISOString() }, status: 'pending', notBefore: due }),
      ),
      { chunk: 500 },
    );
  }

  /** Drops the reminders of these invitations that are not sent yet (pending, or retrying). */
  async dropReminders(invitationIds: string[], tx: Tx): Promise<void> {
    if (!invitationIds.length) return;
    await managerOf(tx, this.dataSource)
      .getRepository(OutboxMessage)
      .delete({ invitationId: In(invitationIds), kind: 'reminder', status: In(['pending', 'retrying']) });
  }

  /**
   * Drops the invitation's invite and update mails still waiting for SMTP (failed before, not
   * sent, also when relayed for their next attempt). One being tried right now (locked by the
   * worker) is left alone rather than waited for.
   */
  async dropWaitingInvites(invitationId: string, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).query(
      `DELETE FROM outbox_messages WHERE id IN (
         SELECT id FROM outbox_messages WHERE invitation_id = $1 AND kind IN ('invite', 'update') AND status IN ('retrying', 'queued') AND failing_since IS NOT NULL FOR UPDATE SKIP LOCKED)`,
      [invitationId],
    );
  }
}
