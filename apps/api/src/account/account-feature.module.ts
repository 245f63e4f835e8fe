import { Module } from '@nestjs/common';
import { IdentityModule } from '@moderato/identity';
import { PolicyModule } from '@moderato/policy';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensPageController } from './api-tokens.page.controller';
import { SessionsPageController } from './sessions.page.controller';

/** A person's own account: their sessions and API tokens. */
@Module({
  imports: [IdentityModule, PolicyModule],
  controllers: [SessionsPageController, ApiTokensController, ApiTokensPageController],
})
export class AccountFeatureModule {}
