import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { PeopleModule } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { PolicyModule } from '@moderato/policy';
import { MeetingsAdminService } from './administration.service';
import { AgendaService } from './agenda.service';
import { AgendaStore } from './agenda.store';
import { InvitationsService } from './invitations.service';
import { InvitationsStore } from './invitations.store';
import { JoinService } from './join.service';
import { EndMeetingService } from './ending/end-meeting.service';
import { MeetingEndsStore } from './ending/meeting-ends.store';
import { JoinStore } from './join.store';
import { JoinWindows } from './join-windows';
import { LinkCodes } from './link-codes';
import { MeetingsStore } from './meetings.store';
import { OutboxWriter } from './outbox-writer.store';
import { RemindersService } from './reminders.service';
import { SchedulingService } from './scheduling.service';
import { OUTBOX_EXPORTS, OUTBOX_PROVIDERS } from './outbox/outbox.providers';
import { AttendanceService } from './presence/attendance.service';
import { PresenceEventsService } from './presence/presence-events.service';
import { PresenceStore } from './presence/presence.store';

@Module({
  imports: [AuditModule, JitsiModule, PeopleModule, PolicyModule],
  providers: [
    MeetingsStore,
    InvitationsStore,
    OutboxWriter,
    JoinStore,
    LinkCodes,
    JoinWindows,
    RemindersService,
    InvitationsService,
    SchedulingService,
    MeetingsAdminService,
    JoinService,
    AgendaStore,
    AgendaService,
    MeetingEndsStore,
    EndMeetingService,
    PresenceStore,
    PresenceEventsService,
    AttendanceService,
    ...OUTBOX_PROVIDERS,
  ],
  exports: [
    AgendaService,
    LinkCodes,
    JoinWindows,
    RemindersService,
    InvitationsService,
    SchedulingService,
    MeetingsAdminService,
    JoinService,
    EndMeetingService,
    PresenceEventsService,
    AttendanceService,
    ...OUTBOX_EXPORTS,
  ],
})
export class MeetingsModule {}
