import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type DeepPartial, IsNull } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { JitsiSystemKey } from './jitsi-system-key.entity';

/** The system key pair's table (`jitsi_system_keys`): never the login keys'. */
@Injectable()
export class SystemKeysStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every system key: the active one first, then the retired ones, last retired first. */
  all(): Promise<JitsiSystemKey[]> {
    return this.dataSource.getRepository(JitsiSystemKey).find({ order: { retiredAt: { direction: 'DESC', nulls: 'FIRST' }, createdAt: 'DESC' } });
  }

  /** The key that signs now, or null before the first one was made. */
  active(tx?: Tx): Promise<JitsiSystemKey | null> {
    return managerOf(tx, this.dataSource)
      .getRepository(JitsiSystemKey)
      .findOne({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  async retireAll(at: Date, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(JitsiSystemKey).update({ retiredAt: IsNull() }, { retiredAt: at });
  }

  insert(fields: DeepPartial<JitsiSystemKey>, tx: Tx): Promise<JitsiSystemKey> {
    const repository = managerOf(tx, this.dataSource).getRepository(JitsiSystemKey);
    return repository.save(repository.create(fields));
  }

  /** One creator at a time (two replicas making the first key at once): a transaction-scoped advisory lock. */
  async lock(tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).query(`SELECT pg_advisory_xact_lock(hashtext('moderato_system_key'))`);
  }
}
