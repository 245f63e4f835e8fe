import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { PolicyModule } from '@moderato/policy';
import { AppConfig } from '@moderato/config';
import { SecretBox } from '@moderato/core';
import { JitsiServersService } from './jitsi-servers.service';

@Module({
  imports: [AuditModule, PolicyModule],
  providers: [
    JitsiServersService,
    { provide: SecretBox, inject: [AppConfig], useFactory: (config: AppConfig) => new SecretBox(config.secrets.secretsKey) },
  ],
  exports: [JitsiServersService],
})
export class JitsiModule {}
