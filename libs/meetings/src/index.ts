export {
  Meeting,
  DEFAULT_MEETING_OPTIONS,
  type MeetingOptions,
  type OccurrenceException,
} from './meeting.entity';
export { Invitation, type InvitationRole, type InvitationStatus, type Rsvp } from './invitation.entity';
