import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

const MANAGER = Symbol('moderato.tx.manager');

/**
 * An open database transaction, as services see it: something to hand to the stores that read
 * and write in it, nothing more. Only a store (a `*.store.ts` file of the lib that owns the
 * tables) opens it with `managerOf()`. A change that spans libs — a meeting, its invitations,
 * their outbox rows and the audit event — runs in one `Tx` that each owner's store writes in.
 */
export interface Tx {
  readonly [MANAGER]: EntityManager;
}

/** Runs work in one transaction: committed when `work` resolves, rolled back when it throws. */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(wrapManager(manager)));
  }
}

/** The Tx of a TypeORM EntityManager (stores, tests and the migration tools only). */
export function wrapManager(manager: EntityManager): Tx {
  return { [MANAGER]: manager };
}

/**
 * The EntityManager of `tx`, or of the data source when no transaction is given (a single
 * statement outside a change). For store files only: the lint rule on data access says where.
 */
export function managerOf(tx: Tx | undefined, dataSource: DataSource): EntityManager {
  return tx ? tx[MANAGER] : dataSource.manager;
}
