import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { IdentityModule } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { PolicyModule } from '@moderato/policy';
import { InvitationsStore } from '../invitations.store';
import { MeetingEndsStore } from '../ending/meeting-ends.store';
import { MeetingsStore } from '../meetings.store';
import { OutboxWriter } from '../outbox-writer.store';
import { PresenceStore } from '../presence/presence.store';
import { RemindersService } from '../reminders.service';
import { PersonDataService } from './person-data.service';
import { RetentionLock } from './retention-lock.store';
import { RetentionService } from './retention.service';

/**
 * Personal data's lifecycle (issue 18): deleting and exporting a person, and the retention pass.
 * A module of its own (not MeetingsModule) because it needs all of identity, which meetings'
 * other services do not.
 */
@Module({
  imports: [AuditModule, IdentityModule, JitsiModule, PolicyModule],
  providers: [
    MeetingsStore,
    MeetingEndsStore,
    InvitationsStore,
    OutboxWriter,
    RemindersService,
    PresenceStore,
    RetentionLock,
    PersonDataService,
    RetentionService,
  ],
  exports: [PersonDataService, RetentionService],
})
export class PrivacyModule {}
