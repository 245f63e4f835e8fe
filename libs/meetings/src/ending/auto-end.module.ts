import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { PolicyModule } from '@moderato/policy';
import { JoinWindows } from '../join-windows';
import { MeetingsStore } from '../meetings.store';
import { AutoEndService } from './auto-end.service';
import { EndMeetingService } from './end-meeting.service';
import { MeetingEndsStore } from './meeting-ends.store';

/** The automatic end for the worker (its own module: the worker needs nothing else of meetings' services). */
@Module({
  imports: [AuditModule, JitsiModule, PolicyModule],
  providers: [MeetingsStore, MeetingEndsStore, JoinWindows, EndMeetingService, AutoEndService],
  exports: [AutoEndService],
})
export class AutoEndModule {}
