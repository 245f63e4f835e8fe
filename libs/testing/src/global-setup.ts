/**
 * Jest global setup: removes databases left behind by earlier, interrupted test runs.
 * (Template creation happens lazily in createTestDatabase(), under an advisory lock, so that it
 * can use the project's path aliases, which Jest does not apply to this file.)
 */
import { Client } from 'pg';

export default async function globalSetup(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/moderato');
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'moderato\\_t\\_%' AND datname NOT IN (
         SELECT DISTINCT datname FROM pg_stat_activity WHERE datname IS NOT NULL)`,
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
