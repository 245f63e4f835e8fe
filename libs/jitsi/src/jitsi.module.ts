import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { PolicyModule } from '@moderato/policy';
import { AppConfig } from '@moderato/config';
import { SecretBox } from '@moderato/core';
import { JitsiServersService } from './jitsi-servers.service';
import { JitsiInteropService } from './interop/interop.service';

@Module({
  imports: [AuditModule, PolicyModule],
  providers: [
    JitsiServersService,
    JitsiInteropService,
    { provide: SecretBox, inject: [AppConfig], useFactory: (config: AppConfig) => new SecretBox(config.secrets.secretsKey) },
  ],
  exports: [JitsiServersService, JitsiInteropService],
})
export class JitsiModule {}
