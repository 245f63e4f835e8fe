export { AuditEvent } from './audit-event.entity';
export { AuditService, type AuditEntry } from './audit.service';
export { AuditModule } from './audit.module';
