import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrationsWithLock } from '@moderato/database';
import { MIGRATIONS, SCHEMA } from '@moderato/schema';

const TEMPLATE_LOCK_KEY = 727_361_002;

/** The server URL tests use: DATABASE_URL, or the local default. */
export function testServerUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/moderato';
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Name of the template database for the current migrations: a fingerprint of every migration's
 * code, so that a changed migration gets a fresh template and an unchanged one is reused.
 */
export function templateName(): string {
  const hash = createHash('sha256');
  for (const migration of MIGRATIONS) {
    hash.update(migration.name).update(migration.prototype.up.toString()).update(migration.prototype.down.toString());
  }
  return `moderato_tpl_${hash.digest('hex').slice(0, 16)}`;
}

/** Builds the migrated template once (all Jest workers share it), under an advisory lock. */
async function ensureTemplate(): Promise<string> {
  const name = templateName();
  await admin(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) return;
      const building = `${name}_building`;
      await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${building}"`);
      const dataSource = new DataSource(buildDataSourceOptions(withDatabase(testServerUrl(), building), SCHEMA, { poolSize: 2 }));
      await dataSource.initialize();
      try {
        await runMigrationsWithLock(dataSource);
      } finally {
        await dataSource.destroy();
      }
      // Renaming is atomic: a template is either complete or absent.
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
      await client.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true`);
      // The migrations changed: templates of earlier migrations are of no more use. (One that is
      // being copied at this moment by another run is in use and stays; a later run removes it.)
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'moderato\\_tpl\\_%' AND datname NOT LIKE '%\\_building' AND datname <> $1`,
        [name],
      );
      for (const { datname } of rows) {
        await client.query(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`).catch(() => undefined);
        await client.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, copied from the migrated template (CREATE DATABASE …
 * TEMPLATE …): real PostgreSQL, real schema, no state shared with other files.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const template = migrated ? await ensureTemplate() : 'template0';
  // The creation time is in the name, so a clean-up elsewhere can tell an abandoned database from one in use.
  const name = `moderato_t_${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: withDatabase(testServerUrl(), name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
