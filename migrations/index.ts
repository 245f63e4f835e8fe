// Every migration, in order. `npm run migration:generate -- <name>` appends to this list.
// A migration that has landed on main is never edited: write a new one.
import { PermanentRooms1796218114234 } from './1796218114234-permanent-rooms';
import { AdminApiTokensPolicy1796218119940 } from './1796218119940-admin-api-tokens-policy';
import { InvitationGroupName1796218448726 } from './1796218448726-invitation-group-name';
import { JitsiServerChecks1796218616460 } from './1796218616460-jitsi-server-checks';
import { JitsiServerLobbyBypass1795875167537 } from './1795875167537-jitsi-server-lobby-bypass';
import { InvitationLinkCodeSalt1795872697898 } from './1795872697898-invitation-link-code-salt';
import { JitsiSigningKeys1795871419729 } from './1795871419729-jitsi-signing-keys';
import { InitialSchema1795868573284 } from './1795868573284-initial-schema';
import { AuditActorSearch1796221182042 } from './1796221182042-audit-actor-search';
import { OutboxNotify1796225000000 } from './1796225000000-outbox-notify';
import { MailRetry1796400000000 } from './1796400000000-mail-retry';
import { WorkerHeartbeats1796401000000 } from './1796401000000-worker-heartbeats';
import { MeetingFormSubmissions1796404000000 } from './1796404000000-meeting-form-submissions';
import { AuditPseudonymise1796500000000 } from './1796500000000-audit-pseudonymise';
import { MeetingsOrganizerDetachable1796540000000 } from './1796540000000-meetings-organizer-detachable';
import { UserTimezoneSource1796600000000 } from './1796600000000-user-timezone-source';
import { CalendarFeeds1796610000000 } from './1796610000000-calendar-feeds';
import { PresenceEvents1796700000000 } from './1796700000000-presence-events';
import { EndMeeting1796710000000 } from './1796710000000-end-meeting';
import { MeetingFeatures1796720000000 } from './1796720000000-meeting-features';
import type { MigrationInterface } from 'typeorm';

export const MIGRATIONS: (new () => MigrationInterface)[] = [
  InitialSchema1795868573284,
  JitsiSigningKeys1795871419729,
  InvitationLinkCodeSalt1795872697898,
  JitsiServerLobbyBypass1795875167537,
  PermanentRooms1796218114234,
  AdminApiTokensPolicy1796218119940,
  InvitationGroupName1796218448726,
  JitsiServerChecks1796218616460,
  AuditActorSearch1796221182042,
  OutboxNotify1796225000000,
  MailRetry1796400000000,
  WorkerHeartbeats1796401000000,
  MeetingFormSubmissions1796404000000,
  AuditPseudonymise1796500000000,
  MeetingsOrganizerDetachable1796540000000,
  UserTimezoneSource1796600000000,
  CalendarFeeds1796610000000,
  PresenceEvents1796700000000,
  EndMeeting1796710000000,
  MeetingFeatures1796720000000,
];
