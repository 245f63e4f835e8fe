import { OutboxDeliveries } from './outbox-deliveries.service';
import { OutboxDeliveryStore } from './outbox-delivery.store';
import { Outbox } from './outbox.service';
import { OutboxStore } from './outbox.store';
import { ReminderTopUpLock } from './reminder-top-up-lock.store';

/** The outbox's providers in MeetingsModule. */
export const OUTBOX_PROVIDERS = [OutboxStore, Outbox, OutboxDeliveryStore, OutboxDeliveries, ReminderTopUpLock];

/** What libs/mail uses: the relay's and the delivery's API, the reminder top-up's lock. */
export const OUTBOX_EXPORTS = [Outbox, OutboxDeliveries, ReminderTopUpLock];
