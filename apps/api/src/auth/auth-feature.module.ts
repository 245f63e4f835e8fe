import { Module } from '@nestjs/common';
import { IdentityModule } from '@moderato/identity';
import { PrivacyModule } from '@moderato/meetings';
import { AuthPageController } from './auth.page.controller';
import { MeController } from './me.controller';

/** Signing in and out (OIDC, LDAP), and who am I. */
@Module({
  imports: [IdentityModule, PrivacyModule],
  controllers: [AuthPageController, MeController],
})
export class AuthFeatureModule {}
