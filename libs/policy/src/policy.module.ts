import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { PolicyService } from './policy.service';

@Module({
  imports: [AuditModule],
  providers: [PolicyService],
  exports: [PolicyService],
})
export class PolicyModule {}
