import { Module } from '@nestjs/common';
import { MeetingsModule } from '@moderato/meetings';
import { RoomsModule } from '@moderato/rooms';
import { AttendanceController } from './attendance.controller';
import { AttendancePageController } from './attendance.page.controller';
import { LiveController } from './live.controller';
import { LiveRooms } from './live-rooms';
import { PresenceEventsController } from './presence-events.controller';

/** Presence events from Jitsi, attendance per date, who is in the room now. */
@Module({
  imports: [MeetingsModule, RoomsModule],
  controllers: [PresenceEventsController, AttendanceController, AttendancePageController, LiveController],
  providers: [LiveRooms],
  exports: [LiveRooms],
})
export class PresenceFeatureModule {}
