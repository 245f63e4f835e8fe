import { FixedClock } from '@moderato/core';
import type { User } from '@moderato/identity';
import type { PreparedRunner } from '@moderato/database';
import type { Invitation } from '../invitation.entity';
import type { Meeting } from '../meeting.entity';
import type { OutboxMessage } from '../outbox-message.entity';
import { OutboxDeliveries, type DeliveryOutcome } from './outbox-deliveries.service';
import type { LoadedOutboxRow, OutboxDeliveryStore } from './outbox-delivery.store';

const NOW = new Date('2030-01-07T07:00:00Z');

/** A store that records, in order, what the delivery does inside and after its transaction. */
function fakeStore(loaded: LoadedOutboxRow | undefined) {
  const log: string[] = [];
  const run: PreparedRunner = async () => [];
  const store = {
    transaction: async <T>(work: (run: PreparedRunner) => Promise<T>) => {
      log.push('begin');
      const result = await work(run);
      log.push('commit');
      return result;
    },
    load: async () => {
      log.push('load');
      return loaded;
    },
    markSent: async (_run: PreparedRunner, row: OutboxMessage, invitationId: string, at: Date) =>
      log.push(`sent ${row.id} ${invitationId} ${at.toISOString()}`),
    markSkipped: async (_run: PreparedRunner, row: OutboxMessage, reason: string) => log.push(`skipped ${row.id} ${reason}`),
    markRetrying: async (_run: PreparedRunner, row: OutboxMessage, error: string, attemptAt: Date, retryAt: Date) =>
      log.push(`retrying ${row.id} ${error} ${attemptAt.toISOString()} ${retryAt.toISOString()}`),
    markFailed: async (_run: PreparedRunner, row: OutboxMessage, error: string) => log.push(`failed ${row.id} ${error}`),
  };
  return { log, deliveries: new OutboxDeliveries(store as unknown as OutboxDeliveryStore, new FixedClock(NOW)) };
}

function loadedRow(overrides: Partial<OutboxMessage> = {}, invitation: Partial<Invitation> | null = {}): LoadedOutboxRow {
  const organizer = { id: 'u-1' } as User;
  const meeting = { id: 'm-1', organizer } as Meeting;
  const row = { id: 'o-1', kind: 'invite', status: 'queued', attempts: 0, invitationId: 'i-1', payload: {}, ...overrides } as OutboxMessage;
  row.invitation = invitation ? ({ id: 'i-1', meeting, ...invitation } as Invitation) : null;
  return { row, invitee: undefined };
}

describe('OutboxDeliveries.deliver', () => {
  it('writes the outcome of send in the transaction that loaded (and locked) the row', async () => {
    const { log, deliveries } = fakeStore(loadedRow());
    const send = jest.fn(async (): Promise<DeliveryOutcome> => {
      log.push('send');
      return { outcome: 'sent' };
    });
    expect(await deliveries.deliver('o-1', send)).toEqual({ outcome: 'sent' });
    expect(log).toEqual(['begin', 'load', 'send', `sent o-1 i-1 ${NOW.toISOString()}`, 'commit']);
    expect(send).toHaveBeenCalledWith(expect.objectContaining({ message: expect.objectContaining({ id: 'o-1' }), organizer: { id: 'u-1' } }));
  });

  it.each<[string, DeliveryOutcome, string]>([
    ['skipped', { outcome: 'skipped', reason: 'revoked' }, 'skipped o-1 revoked'],
    [
      'retrying',
      { outcome: 'retrying', error: 'busy', attemptAt: NOW, retryAt: new Date(NOW.getTime() + 10_000) },
      `retrying o-1 busy ${NOW.toISOString()} 2030-01-07T07:00:10.000Z`,
    ],
    ['failed', { outcome: 'failed', error: '550 no such user', attemptAt: NOW }, 'failed o-1 550 no such user'],
  ])('%s: written as the outcome says', async (_name, outcome, written) => {
    const { log, deliveries } = fakeStore(loadedRow());
    expect(await deliveries.deliver('o-1', async () => outcome)).toEqual(outcome);
    expect(log).toEqual(['begin', 'load', written, 'commit']);
  });

  it('leaves a missing, sent or failed row alone; skips a row without invitation without sending', async () => {
    const send = jest.fn();
    const missing = fakeStore(undefined);
    expect(await missing.deliveries.deliver('o-1', send)).toEqual({ outcome: 'skipped', reason: 'no such outbox row' });
    expect(missing.log).toEqual(['begin', 'load', 'commit']);
    for (const status of ['sent', 'failed'] as const) {
      const done = fakeStore(loadedRow({ status }));
      expect(await done.deliveries.deliver('o-1', send)).toEqual({ outcome: 'skipped', reason: `already ${status}` });
      expect(done.log).toEqual(['begin', 'load', 'commit']);
    }
    const orphan = fakeStore(loadedRow({}, null));
    expect(await orphan.deliveries.deliver('o-1', send)).toEqual({ outcome: 'skipped', reason: 'no invitation' });
    expect(orphan.log).toEqual(['begin', 'load', 'skipped o-1 no invitation', 'commit']);
    expect(send).not.toHaveBeenCalled();
  });
});
