import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { OrgSettings } from './org-settings.entity';

/** The organisation policy's table (`org_settings`): one row, id 1, absent until an admin saves. */
@Injectable()
export class PolicyStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** What admins saved; null while every field has its environment default. */
  read(tx?: Tx): Promise<OrgSettings | null> {
    return managerOf(tx, this.dataSource).getRepository(OrgSettings).findOneBy({ id: 1 });
  }

  /** The row, created empty when missing, locked until `tx` ends: changes wait for each other. */
  async lock(tx: Tx): Promise<OrgSettings> {
    const repository = managerOf(tx, this.dataSource).getRepository(OrgSettings);
    await repository.createQueryBuilder().insert().values({ id: 1, values: {} }).orIgnore().execute();
    return repository.findOneOrFail({ where: { id: 1 }, lock: { mode: 'pessimistic_write' } });
  }

  save(row: OrgSettings, tx: Tx): Promise<OrgSettings> {
    return managerOf(tx, this.dataSource).getRepository(OrgSettings).save(row);
  }

  /** Deletes the row; false when there was none. */
  async remove(tx: Tx): Promise<boolean> {
    const result = await managerOf(tx, this.dataSource).getRepository(OrgSettings).delete({ id: 1 });
    return Boolean(result.affected);
  }
}
