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

  /**
   * Person deletion: the checks they started or recorded name `pseudonym` instead of their id and
   * email (the audit log's pseudonym, so both still group). Returns how many checks changed.
   */
  async pseudonymise(person: { id: string; email: string }, pseudonym: { id: string; label: string }, tx: Tx): Promise<number> {
    const manager = managerOf(tx, this.dataSource);
    const params = { id: person.id, email: person.email.toLowerCase(), pid: pseudonym.id, label: pseudonym.label };
    const changed = new Set<string>();
    for (const [idColumn, labelColumn, idProperty, labelProperty] of [
      ['started_by_id', 'started_by_label', 'startedById', 'startedByLabel'],
      ['recorded_by_id', 'recorded_by_label', 'recordedById', 'recordedByLabel'],
    ] as const) {
      const result = await manager
        .createQueryBuilder()
        .update(JitsiServerCheck)
        .set({ [idProperty]: () => `CASE WHEN ${idColumn} = :id THEN CAST(:pid AS uuid) ELSE ${idColumn} END`, [labelProperty]: () => ':label' })
        .where(`${idColumn} = :id OR lower(${labelColumn}) = :email`, params)
        .returning(['id'])
        .execute();
      for (const row of result.raw as { id: string }[]) changed.add(row.id);
    }
    return changed.size;
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
