import type { DataSource, Migration, QueryRunner } from 'typeorm';

/** Arbitrary constant; every Moderato process that migrates takes this lock first. */
export const MIGRATION_LOCK_KEY = 727_361_001;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so that several api
 * replicas booting at once migrate exactly once (the others wait, then find nothing to do).
 */
export async function runMigrationsWithLock(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

export interface SchemaChanges {
  up: string[];
  down: string[];
}

/**
 * What the entities would change in the connected database: the SQL a new migration would
 * contain. Empty when entities and migrations agree.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<SchemaChanges> {
  // TypeORM's Postgres schema reader runs several queries at once (Promise.all) on the one
  // connection of its query runner; pg warns about that ("client is already executing a query")
  // and pg 9 refuses it. The schema builder's runner here sends one query at a time.
  const builder = dataSource.driver.createSchemaBuilder();
  const own = dataSource as { createQueryRunner: DataSource['createQueryRunner'] };
  const createQueryRunner = dataSource.createQueryRunner;
  own.createQueryRunner = (mode) => oneQueryAtATime(createQueryRunner.call(dataSource, mode));
  let log: Awaited<ReturnType<typeof builder.log>>;
  try {
    log = await builder.log();
  } finally {
    delete (own as Partial<typeof own>).createQueryRunner;
  }
  return {
    up: log.upQueries.map((q) => q.query),
    down: log.downQueries.map((q) => q.query).reverse(),
  };
}

/** The runner, with `query` queued so that its connection runs one statement at a time. */
function oneQueryAtATime(runner: QueryRunner): QueryRunner {
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  let last: Promise<unknown> = Promise.resolve();
  runner.query = ((...args: unknown[]) => {
    const next = last.then(() => query(...args));
    last = next.catch(() => undefined);
    return next;
  }) as QueryRunner['query'];
  return runner;
}
