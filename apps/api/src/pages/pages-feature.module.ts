import { Module } from '@nestjs/common';
import { IdentityModule } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { MeetingsModule } from '@moderato/meetings';
import { RoomsModule } from '@moderato/rooms';
import { CalendarFeedPageController } from './calendar-feed.page.controller';
import { HomePageController } from './home.page.controller';
import { PreferencesPageController } from './preferences.page.controller';
import { SettingsPageController } from './settings.page.controller';
import { RoomLive } from '../rooms/room-live';
import { WeekPageController } from './week.page.controller';

/** The dashboard, the week view, the Settings page (language, time zone, calendar subscription) and the language preference. */
@Module({
  imports: [IdentityModule, JitsiModule, MeetingsModule, RoomsModule],
  controllers: [HomePageController, WeekPageController, SettingsPageController, CalendarFeedPageController, PreferencesPageController],
  providers: [RoomLive],
})
export class PagesFeatureModule {}
