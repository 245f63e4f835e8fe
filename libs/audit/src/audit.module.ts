import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { AuditStore } from './audit.store';

@Module({
  providers: [AuditStore, AuditService],
  exports: [AuditService],
})
export class AuditModule {}
