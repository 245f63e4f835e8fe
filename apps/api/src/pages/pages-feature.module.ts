import { Module } from '@nestjs/common';
import { JitsiModule } from '@moderato/jitsi';
import { RoomsModule } from '@moderato/rooms';
import { HomePageController } from './home.page.controller';
import { PreferencesPageController } from './preferences.page.controller';

/** The dashboard and the language preference. */
@Module({
  imports: [JitsiModule, RoomsModule],
  controllers: [HomePageController, PreferencesPageController],
})
export class PagesFeatureModule {}
