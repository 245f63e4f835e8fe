import { Module } from '@nestjs/common';
import { JitsiModule } from '@moderato/jitsi';
import { MeetingsModule } from '@moderato/meetings';
import { RoomsModule } from '@moderato/rooms';
import { RoomDoorPageController } from './room-door.page.controller';
import { RoomLive } from './room-live';
import { RoomsController } from './rooms.controller';
import { RoomsPageController } from './rooms.page.controller';

/** Permanent rooms: the admin's pages and API, and the room's door for the people on its list. */
@Module({
  imports: [JitsiModule, MeetingsModule, RoomsModule],
  controllers: [RoomsController, RoomsPageController, RoomDoorPageController],
  providers: [RoomLive],
})
export class RoomsFeatureModule {}
