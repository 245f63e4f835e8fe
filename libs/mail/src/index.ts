export { OutboxMessage, type OutboxKind, type OutboxStatus } from './outbox-message.entity';
