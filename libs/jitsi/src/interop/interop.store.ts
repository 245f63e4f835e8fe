import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type DeepPartial } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { JitsiServerCheck } from './jitsi-server-check.entity';

/** What an admin records about a check: the four outcomes, a note, who and when. */
export type InteropRecord = Pick<JitsiServerCheck, 'status' | 'outcomes' | 'note' | 'recordedAt' | 'recordedById' | 'recordedByLabel'>;

/** The "Test this server" runs (`jitsi_server_checks`). */
@Injectable()
export class InteropStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(fields: DeepPartial<JitsiServerCheck>, tx: Tx): Promise<JitsiServerCheck> {
    const repository = managerOf(tx, this.dataSource).getRepository(JitsiServerCheck);
    return repository.save(repository.create(fields));
  }

  /** `checkId` must be a UUID. */
  find(serverId: string, checkId: string, tx?: Tx): Promise<JitsiServerCheck | null> {
    return managerOf(tx, this.dataSource).getRepository(JitsiServerCheck).findOneBy({ id: checkId, serverId });
  }

  /** Stores the result unless one was stored already: false then (a result is recorded once). */
  async record(checkId: string, result: InteropRecord, tx: Tx): Promise<boolean> {
    const written = await managerOf(tx, this.dataSource)
      .createQueryBuilder()
      .update(JitsiServerCheck)
      .set(result)
      .where('id = :id AND recorded_at IS NULL', { id: checkId })
      .execute();
    return written.affected === 1;
  }

  /** The latest recorded check of each server that has one. */
  latestRecorded(): Promise<JitsiServerCheck[]> {
    return this.dataSource
      .getRepository(JitsiServerCheck)
      .createQueryBuilder('check')
      .distinctOn(['check.server_id'])
      .where('check.recorded_at IS NOT NULL')
      .orderBy('check.server_id')
      .addOrderBy('check.recorded_at', 'DESC')
      .addOrderBy('check.started_at', 'DESC')
      .getMany();
  }
}
