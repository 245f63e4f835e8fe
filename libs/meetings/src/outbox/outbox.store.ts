import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { EntityColumns, managerOf, pgPool, type Tx } from '@moderato/database';
import { OutboxMessage, type OutboxKind } from '../outbox-message.entity';
import { readMailBacklog, type MailBacklog } from './mail-backlog.store';
import { readMailCounts, type MailCounts } from './mail-counts.store';

/** The channel the OutboxNotify migration's triggers notify on. */
const OUTBOX_CHANNEL = 'moderato_outbox';

/** An outbox row as the relay sees it: the job it becomes is named after the kind, its id is the row id. */
export interface DueOutboxRow {
  id: string;
  kind: OutboxKind;
}

/** A connection listening for new outbox rows; close() ends it. */
export interface OutboxListener {
  close(): Promise<void>;
}

/** The relay's bookkeeping on `outbox_messages`: due rows claimed, marked `queued`, swept; LISTEN; the backlog. */
@Injectable()
export class OutboxStore {
  private readonly dueSql: string;
  private readonly markQueuedSql: string;
  private readonly queuedSql: string;
  private readonly queuedAfterSql: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    const o = new EntityColumns(dataSource, OutboxMessage);
    const [id, kind, status, notBefore] = [o.column('id'), o.column('kind'), o.column('status'), o.column('notBefore')];
    this.dueSql = `SELECT ${id}, ${kind} FROM ${o.table}
          WHERE ${status} IN ('pending', 'retrying') AND ${notBefore} <= now()
          ORDER BY ${notBefore} LIMIT $1 FOR UPDATE SKIP LOCKED`;
    this.markQueuedSql = `UPDATE ${o.table} SET ${status} = 'queued' WHERE ${id} = ANY($1::uuid[])`;
    this.queuedSql = `SELECT ${id}, ${kind} FROM ${o.table}
          WHERE ${status} = 'queued' AND ${notBefore} <= now() - make_interval(secs => $2)
          ORDER BY ${notBefore} LIMIT $1 FOR UPDATE SKIP LOCKED`;
    this.queuedAfterSql = `SELECT ${id}, ${kind} FROM ${o.table}
          WHERE ${status} = 'queued' AND ${notBefore} <= now() - make_interval(secs => $2) AND ${id}::text > $3
          ORDER BY ${id}::text LIMIT $1 FOR UPDATE SKIP LOCKED`;
  }

  /** Up to `limit` due `pending` rows and `retrying` rows whose next attempt is due, locked (rows another worker holds are skipped). */
  lockDue(limit: number, tx: Tx): Promise<DueOutboxRow[]> {
    return managerOf(tx, this.dataSource).query(this.dueSql, [limit]);
  }

  markQueued(ids: string[], tx: Tx): Promise<void> {
    return managerOf(tx, this.dataSource).query(this.markQueuedSql, [ids]);
  }

  /**
   * Up to `limit` `queued` rows due for `olderThanMs`, locked: by due time, or, given `after`, by
   * id after that one (a sweep through all of them, page by page).
   */
  lockQueued(query: { olderThanMs: number; limit: number; after?: string }, tx: Tx): Promise<DueOutboxRow[]> {
    const { olderThanMs, limit, after } = query;
    return managerOf(tx, this.dataSource).query(
      after === undefined ? this.queuedSql : this.queuedAfterSql,
      after === undefined ? [limit, olderThanMs / 1000] : [limit, olderThanMs / 1000, after],
    );
  }

  /**
   * LISTENs for new rows on a connection of its own (not from the pool). `onEnd` is called when
   * the connection ends, however (closed, lost, or failing to open: then this also throws).
   */
  async listen(onNotify: () => void, onEnd: () => void): Promise<OutboxListener> {
    const client = new Client(pgPool(this.dataSource).options);
    client.on('notification', onNotify);
    // The caller polls meanwhile and opens a lost connection again (onEnd).
    client.on('error', () => undefined);
    client.on('end', onEnd);
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return { close: () => client.end() };
  }

  mailBacklog(tx?: Tx): Promise<MailBacklog | undefined> {
    return readMailBacklog(managerOf(tx, this.dataSource));
  }

  mailCounts(tx?: Tx): Promise<MailCounts> {
    return readMailCounts(managerOf(tx, this.dataSource));
  }
}
