import { AuditEvent } from '@moderato/audit';
import { Session, User } from '@moderato/identity';
import { JitsiServer, JitsiSigningKey } from '@moderato/jitsi';
import { Invitation, Meeting, OutboxMessage } from '@moderato/meetings';
import { PermanentRoom } from '@moderato/rooms';

/** Every entity of the application. A new entity is added here, then a migration generated. */
export const ENTITIES = [User, Session, JitsiServer, JitsiSigningKey, Meeting, Invitation, OutboxMessage, AuditEvent, PermanentRoom];
