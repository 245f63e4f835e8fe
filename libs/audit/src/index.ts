export { AuditEvent } from './audit-event.entity';
