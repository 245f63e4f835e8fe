import { Global, Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { POLICY_SERVER_DIRECTORY, PolicyModule } from '@moderato/policy';
import { AppConfig } from '@moderato/config';
import { SecretBox } from '@moderato/core';
import { JitsiEventsSecrets } from './events-secrets.service';
import { JitsiServersService } from './jitsi-servers.service';
import { JitsiServersStore } from './jitsi-servers.store';
import { InteropStore } from './interop/interop.store';
import { JitsiInteropService } from './interop/interop.service';
import { EndMeetingCall } from './system-keys/end-meeting.call';
import { SystemKeysService } from './system-keys/system-keys.service';
import { SystemKeysStore } from './system-keys/system-keys.store';

/**
 * The servers' store, and the same store as policy's POLICY_SERVER_DIRECTORY ("which of these
 * server ids exist"). Global so that PolicyModule sees the directory: jitsi imports policy, so
 * policy cannot import jitsi. The store class itself is not in the lib's index: only jitsi's
 * own services can name it.
 */
@Global()
@Module({
  providers: [JitsiServersStore, { provide: POLICY_SERVER_DIRECTORY, useExisting: JitsiServersStore }],
  exports: [JitsiServersStore, POLICY_SERVER_DIRECTORY],
})
class JitsiServersStoreModule {}

@Module({
  imports: [AuditModule, PolicyModule, JitsiServersStoreModule],
  providers: [
    JitsiServersService,
    JitsiEventsSecrets,
    InteropStore,
    JitsiInteropService,
    SystemKeysStore,
    SystemKeysService,
    EndMeetingCall,
    { provide: SecretBox, inject: [AppConfig], useFactory: (config: AppConfig) => new SecretBox(config.secrets.secretsKey) },
  ],
  exports: [JitsiServersService, JitsiEventsSecrets, JitsiInteropService, SystemKeysService, EndMeetingCall],
})
export class JitsiModule {}
