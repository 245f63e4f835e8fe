import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { registeredStatements } from '@moderato/database';
import { LogCapture, REPO_ROOT, sourceFiles, startSmtpSink, testConfig, testRedisUrl, type SmtpSink } from '@moderato/testing';
// eslint-disable-next-line no-restricted-imports -- the test boots the worker beside the api
import { createWorker } from '../../worker/src/bootstrap';
import { startApi, type RunningApi } from './api-app';

/**
 * The hot paths run named prepared statements whose SQL names tables and columns directly. Each
 * one — reads and writes — is prepared here on the schema the migrations build: PostgreSQL
 * resolves every name when it prepares, so a renamed or dropped column fails this test.
 */
describe('named prepared statements', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    api = await startApi({ env: { REDIS_URL: testRedisUrl() } });
    // The worker's stores build the mail statements.
    worker = await createWorker({
      config: testConfig(api.db.url, { REDIS_URL: testRedisUrl(), SMTP_URL: sink.url }),
      logDestination: new LogCapture(),
    });
    await worker.init();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.stop();
  });

  it('every statement in the code is registered by the api or the worker', () => {
    const inSource = new Set<string>();
    for (const file of sourceFiles()) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const match of text.matchAll(/namedStatement\(\s*'(moderato_[a-z0-9_]+)'/g)) inSource.add(match[1]);
      // A statement object written by hand would escape this test.
      expect({ file, handWritten: /\bname:\s*'moderato_[a-z0-9_]+',\s*text:/.test(text) }).toEqual({ file, handWritten: false });
    }
    const registered = new Set(registeredStatements().map((statement) => statement.name));
    expect(inSource.size).toBeGreaterThanOrEqual(9);
    expect([...inSource].filter((name) => !registered.has(name))).toEqual([]);
  });

  it('every registered statement prepares on the migrated schema', async () => {
    const client = new Client({ connectionString: api.db.url });
    await client.connect();
    const failures: string[] = [];
    try {
      for (const statement of registeredStatements()) {
        try {
          await client.query(`PREPARE "${statement.name}" AS ${statement.text}`);
          await client.query(`DEALLOCATE "${statement.name}"`);
        } catch (error) {
          failures.push(`${statement.name}: ${(error as Error).message}`);
        }
      }
    } finally {
      await client.end();
    }
    expect(failures).toEqual([]);
  });

  it('a statement naming a column the schema does not have is refused', async () => {
    const client = new Client({ connectionString: api.db.url });
    await client.connect();
    try {
      await expect(client.query('PREPARE moderato_spec_renamed AS UPDATE "invitations" SET "sent_time" = $1 WHERE "id" = $2')).rejects.toThrow(
        /column "sent_time" of relation "invitations" does not exist/,
      );
    } finally {
      await client.end();
    }
  });
});
