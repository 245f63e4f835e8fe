import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { IdentityModule } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { WorkerHeartbeatsModule } from '@moderato/jobs';
import { MeetingsModule, PrivacyModule } from '@moderato/meetings';
import { PolicyModule } from '@moderato/policy';
import { AdminController } from './admin.controller';
import { AdminPageController } from './admin.page.controller';
import { AuditPageController } from './audit.page.controller';
import { InteropController } from './interop.controller';
import { InteropPageController } from './interop.page.controller';
import { PersonPageController } from './person.page.controller';
import { PolicyPageController } from './policy.page.controller';
import { ServersController } from './servers.controller';
import { SystemKeyController } from './system-key.controller';
import { ServersPageController } from './servers.page.controller';
import { TokenInspector } from './token-inspector';
import { TokensController } from './tokens.controller';
import { PresenceFeatureModule } from '../presence/presence-feature.module';

/** Administration: dashboard, users and roles, policy, audit log, Jitsi servers, their checks and tokens. */
@Module({
  imports: [AuditModule, IdentityModule, JitsiModule, MeetingsModule, PolicyModule, PrivacyModule, WorkerHeartbeatsModule, PresenceFeatureModule],
  controllers: [
    ServersController,
    ServersPageController,
    TokensController,
    AdminController,
    AdminPageController,
    PolicyPageController,
    PersonPageController,
    AuditPageController,
    InteropController,
    InteropPageController,
    SystemKeyController,
  ],
  providers: [TokenInspector],
})
export class AdminFeatureModule {}
