import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { PolicyService } from './policy.service';
import { PolicyStore } from './policy.store';

/** The organisation policy. Which Jitsi servers exist comes from POLICY_SERVER_DIRECTORY (JitsiModule provides it). */
@Module({
  imports: [AuditModule],
  providers: [PolicyStore, PolicyService],
  exports: [PolicyService],
})
export class PolicyModule {}
