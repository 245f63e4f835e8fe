import type { DataSourceOptions } from 'typeorm';

export interface DatabaseSchema {
  /** Entity classes. */
  entities: (new () => object)[];
  /** Migration classes, in order. */
  migrations: (new () => object)[];
}

export const MIGRATIONS_TABLE = 'schema_migrations';

/** The one place the TypeORM options are built: api, worker, CLI and tests share them. */
export function buildDataSourceOptions(url: string, schema: DatabaseSchema, extra: { poolSize?: number; queryTimeoutMs?: number } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    // The schema is built only by migrations, never synchronized (not even in tests).
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no extension needed.
    uuidExtension: 'pgcrypto',
    poolSize: extra.poolSize ?? 10,
    // Query errors reach the caller (and the error log) as exceptions; TypeORM's own
    // logging would print query parameters, which can be secrets.
    logging: false,
    extra: {
      connectionTimeoutMillis: 5000,
      application_name: 'moderato',
      // TCP keepalive: a connection to a server that vanished (failover) is noticed, not waited on.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // `queryTimeoutMs` (the worker sets it): no statement runs longer (PostgreSQL cancels it),
      // and no query waits longer for an answer on a dead connection (the driver gives up).
      ...(extra.queryTimeoutMs ? { statement_timeout: extra.queryTimeoutMs, query_timeout: extra.queryTimeoutMs + 5_000 } : {}),
    },
  };
}
