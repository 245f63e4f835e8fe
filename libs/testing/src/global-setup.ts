/**
 * Jest global setup: removes databases left behind by earlier, interrupted test runs (older than
 * two hours, so that a test run beside this one keeps its databases).
 * (Template creation happens lazily in createTestDatabase(), under an advisory lock, so that it
 * can use the project's path aliases, which Jest does not apply to this file.)
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

/** Whether the test OpenLDAP answers before the run (global-teardown stops it only if not). */
function testLdapAnswers(): boolean {
  try {
    execFileSync('bash', [join(__dirname, '..', 'ldap', 'slapd.sh'), 'status'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup(): Promise<void> {
  // Each test run gets an OpenLDAP of its own (unless LDAP_TEST_PORT names one): two runs on one
  // machine then never share a directory, and one run's teardown cannot stop the other's. The
  // workers inherit the variable; the teardown, in this process, stops this run's directory.
  if (!process.env.LDAP_TEST_PORT) process.env.LDAP_TEST_PORT = String(await freePort());
  (globalThis as { __moderatoLdapWasRunning?: boolean }).__moderatoLdapWasRunning = testLdapAnswers();
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/moderato');
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'moderato\\_t\\_%' AND datname NOT IN (
         SELECT DISTINCT datname FROM pg_stat_activity WHERE datname IS NOT NULL)`,
    );
    // Another test run on this machine may have created a database a moment ago and not yet
    // connected: only databases older than two hours (the time is in their name) are abandoned.
    const cutoff = Date.now() / 1000 - 2 * 3600;
    for (const { datname } of rows) {
      const created = /^moderato_t_([0-9a-z]+)_[0-9a-f]+$/.exec(datname);
      if (created && parseInt(created[1], 36) > cutoff) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
