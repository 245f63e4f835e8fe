import type { DataSource, Migration } from 'typeorm';

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
  const log = await dataSource.driver.createSchemaBuilder().log();
  return {
    up: log.upQueries.map((q) => q.query),
    down: log.downQueries.map((q) => q.query).reverse(),
  };
}
