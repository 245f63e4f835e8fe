import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService, type AuditEntry } from '@moderato/audit';
import { managerOf, type Tx } from '@moderato/database';

/**
 * Audit events of the meetings' changes, written in the change's transaction. AuditService (audit
 * owns `audit_events`) takes an EntityManager, which services do not hold: this hands it the one
 * of their Tx. When AuditService takes a Tx itself, services can call it directly.
 */
@Injectable()
export class AuditTrail {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async record(entry: AuditEntry, tx: Tx): Promise<void> {
    await this.audit.record(entry, managerOf(tx, this.dataSource));
  }
}
