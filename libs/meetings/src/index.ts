export {
  Meeting,
  DEFAULT_MEETING_OPTIONS,
  type MeetingOptions,
  type OccurrenceException,
} from './meeting.entity';
export { Invitation, type InvitationRole, type InvitationStatus, type Rsvp } from './invitation.entity';
export { MeetingFormSubmission } from './meeting-form-submission.entity';
export { OutboxMessage, type OutboxKind, type OutboxStatus } from './outbox-message.entity';
export { LinkCodes, hashLinkCode } from './link-codes';
export { AddInviteesDto, ChangeInvitationDto, ChangeOccurrenceDto, ResendInvitationDto, CreateMeetingDto, InviteeDto, MeetingOptionsDto, UpdateMeetingDto } from './dto/meeting.dto';
export { DuplicateInvitees, InvitationNotFound, MeetingAlreadyCreated, MeetingCancelled, MeetingNotFound, MeetingVersionConflict, NoServerAvailable } from './meetings.errors';
export { MeetingsModule } from './meetings.module';
export { MAX_GROUP_INVITEES, MeetingsService, type Caller } from './meetings.service';
export { parseRecurrence } from './recurrence';
export { roomNameFor, slugOf } from './room-name';
export { parseInviteeCsv, parseInviteeList, type InviteeListProblem, type InviteeListResult, type ParsedInvitee } from './invitee-list';
export { joinWindowOf, occurrencesOf, type JoinWindow, type Occurrence } from './occurrences';
export { JoinService, maskEmail, type JoinDecision } from './join.service';
