import { Module } from '@nestjs/common';
import { MeetingsModule } from '@moderato/meetings';
import { AttendanceController } from './attendance.controller';
import { AttendancePageController } from './attendance.page.controller';
import { PresenceEventsController } from './presence-events.controller';

/** Presence events from Jitsi, attendance per date, who is in the room now. */
@Module({
  imports: [MeetingsModule],
  controllers: [PresenceEventsController, AttendanceController, AttendancePageController],
})
export class PresenceFeatureModule {}
