export { AuditEvent } from './audit-event.entity';
export { AuditService, type Actor, type AuditEntry, type AuditFilter, type AuditTx, type Pseudonym } from './audit.service';
export { AuditModule } from './audit.module';
