import { AuditEvent } from '@moderato/audit';
import { ApiToken, CalendarFeed, RoleGrant, Session, User } from '@moderato/identity';
import { JitsiServer, JitsiServerCheck, JitsiSigningKey, JitsiSystemKey } from '@moderato/jitsi';
import { Invitation, Meeting, MeetingEnd, MeetingFormSubmission, OutboxMessage, PresenceInterval } from '@moderato/meetings';
import { OrgSettings } from '@moderato/policy';
import { PermanentRoom } from '@moderato/rooms';

/** Every entity of the application. A new entity is added here, then a migration generated. */
export const ENTITIES = [
  User,
  Session,
  JitsiServer,
  JitsiSigningKey,
  Meeting,
  Invitation,
  OutboxMessage,
  AuditEvent,
  ApiToken,
  RoleGrant,
  OrgSettings,
  JitsiServerCheck,
  PermanentRoom,
  MeetingFormSubmission,
  CalendarFeed,
  JitsiSystemKey,
  MeetingEnd,
  PresenceInterval,
];
