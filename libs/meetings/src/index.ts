export { Meeting, DEFAULT_MEETING_OPTIONS, type MeetingOptions, type OccurrenceException } from './meeting.entity';
export { Invitation, type InvitationRole, type InvitationStatus, type Rsvp } from './invitation.entity';
export { MeetingFormSubmission } from './meeting-form-submission.entity';
export { MeetingEnd } from './ending/meeting-end.entity';
export { AutoEndModule } from './ending/auto-end.module';
export { AutoEndService, AUTO_END_LOOKBACK_MS, type AutoEndCounts } from './ending/auto-end.service';
export { EndMeetingService, EndMeetingForbidden, NoRunningOccurrence, type EndMeetingOffer, type MeetingEnded } from './ending/end-meeting.service';
export { PresenceInterval, type PresenceLeftBy } from './presence/presence-interval.entity';
export { OutboxMessage, type OutboxKind, type OutboxStatus } from './outbox-message.entity';
export { LinkCodes, hashLinkCode } from './link-codes';
export { type MailBacklog } from './outbox/mail-backlog.store';
export { type MailCounts } from './outbox/mail-counts.store';
export {
  AddInviteesDto,
  ChangeInvitationDto,
  ChangeOccurrenceDto,
  ResendInvitationDto,
  CreateMeetingDto,
  InviteeDto,
  MeetingOptionsDto,
  UpdateMeetingDto,
} from './dto/meeting.dto';
export { MeetingsQueryDto, OccurrencesQueryDto } from './dto/meetings-query.dto';
export {
  DuplicateInvitees,
  InvalidSchedule,
  InvitationNotFound,
  MeetingAlreadyCreated,
  MeetingCancelled,
  MeetingNotFound,
  MeetingScheduleInvalid,
  MeetingVersionConflict,
  NoServerAvailable,
} from './meetings.errors';
export { MeetingsModule } from './meetings.module';
export { type Caller } from './caller';
export { SchedulingService } from './scheduling.service';
export { InvitationsService, MAX_GROUP_INVITEES } from './invitations.service';
export { RemindersService } from './reminders.service';
export { MeetingsAdminService } from './administration.service';
export { JoinWindows, type JoinState } from './join-windows';
export { AgendaService, type AgendaEntry, type AgendaItem, type AgendaRole } from './agenda.service';
export {
  MAX_OCCURRENCES,
  SCHEDULE_MESSAGES,
  parseRecurrence,
  parseRule,
  ruleToString,
  scheduleMessage,
  type ScheduleProblem,
  type ScheduleProblemCode,
} from './recurrence';
export { describeRecurrence, describeRule } from './recurrence-text';
export { PAST_TOLERANCE_MS, checkSchedule, type CheckedSchedule } from './schedule';
export { roomNameFor, slugOf } from './room-name';
export { parseInviteeCsv, parseInviteeList, type InviteeListProblem, type InviteeListResult, type ParsedInvitee } from './invitee-list';
export { joinWindowOf, occurrencesOf, scheduleIsValid, type JoinWindow, type Occurrence } from './occurrences';
export { JoinService, maskEmail, type JoinDecision } from './join.service';
// The outbox as libs/mail sees it (the relay, the delivery of one row) and the reminder top-up's lock.
export { Outbox } from './outbox/outbox.service';
export { OutboxDeliveries, type DeliveryOutcome, type OutboxDelivery } from './outbox/outbox-deliveries.service';
// OutboxStore: tests build an Outbox on a bare DataSource.
export { OutboxStore, type DueOutboxRow, type OutboxListener } from './outbox/outbox.store';
export { ReminderTopUpLock } from './outbox/reminder-top-up-lock.store';
// Personal data's lifecycle: person deletion and export, retention.
export { PrivacyModule } from './privacy/privacy.module';
export { PersonDataService, type OrganisedMeetings, type PersonDeleted, type PersonExport } from './privacy/person-data.service';
export { RetentionService, type RetentionCounts } from './privacy/retention.service';
export { PRIVACY_ROOM_ACCESS, type PrivacyRoomAccess } from './privacy/room-access-port';
// Presence from Jitsi's event_sync component, attendance per date, who is in the room now.
export { PresenceEventsService, type PresenceEventOutcome } from './presence/presence-events.service';
export { AttendanceService, AttendanceForbidden, type AttendanceReport } from './presence/attendance.service';
export { PRESENCE_ROOM_DIRECTORY, type PresenceRoomDirectory } from './presence/presence-room-directory';
export { PRESENCE_EVENT_KINDS, parsePresenceEvent, type PresenceEventKind } from './presence/presence-payload';
export { unionSeconds, type Attendee, type Absentee } from './presence/attendance';
