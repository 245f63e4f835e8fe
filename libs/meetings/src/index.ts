export {
  Meeting,
  DEFAULT_MEETING_OPTIONS,
  type MeetingOptions,
  type OccurrenceException,
} from './meeting.entity';
export { Invitation, type InvitationRole, type InvitationStatus, type Rsvp } from './invitation.entity';
export { OutboxMessage, type OutboxKind, type OutboxStatus } from './outbox-message.entity';
export { LinkCodes, hashLinkCode } from './link-codes';
