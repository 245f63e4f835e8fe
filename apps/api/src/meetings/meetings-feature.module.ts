import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { IdentityModule } from '@moderato/identity';
import { MeetingsModule } from '@moderato/meetings';
import { PolicyModule } from '@moderato/policy';
import { EndMeetingController, EndMeetingPageController } from './end-meeting.controller';
import { GroupInvitations } from './group-invitations';
import { InvitationsPageController } from './invitations.page.controller';
import { JoinPageController } from './join.page.controller';
import { MailStatusPageController } from './mail-status.page.controller';
import { MeetingChangesPageController } from './meeting-changes.page.controller';
import { MeetingPage } from './meeting-page';
import { MeetingPreviewController } from './meeting-preview.controller';
import { DirectoryController, MeetingsController } from './meetings.controller';
import { MeetingsPageController } from './meetings.page.controller';

/** Meetings: the personal link, the organizer's pages and API, "My invitations", the directory. */
@Module({
  imports: [AuditModule, IdentityModule, MeetingsModule, PolicyModule],
  controllers: [
    // Express tries routes in the order they were registered: the personal link, the busiest
    // route at 8 o'clock, comes first (BENCHMARKS.md, join storm). ApiModule imports this
    // feature module before the others for the same reason.
    JoinPageController,
    MeetingsController,
    // GET /meetings/preview before the meeting pages' /meetings/:id.
    MeetingPreviewController,
    MeetingsPageController,
    MeetingChangesPageController,
    EndMeetingController,
    EndMeetingPageController,
    InvitationsPageController,
    MailStatusPageController,
    DirectoryController,
  ],
  providers: [GroupInvitations, MeetingPage],
})
export class MeetingsFeatureModule {}
