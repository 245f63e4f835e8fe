import { Module } from '@nestjs/common';
import { IdentityModule } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { RoomsModule } from '@moderato/rooms';
import { HomePageController } from './home.page.controller';
import { PreferencesPageController } from './preferences.page.controller';
import { SettingsPageController } from './settings.page.controller';

/** The dashboard, the language preference and the Settings page. */
@Module({
  imports: [JitsiModule, RoomsModule, IdentityModule],
  controllers: [HomePageController, PreferencesPageController, SettingsPageController],
})
export class PagesFeatureModule {}
