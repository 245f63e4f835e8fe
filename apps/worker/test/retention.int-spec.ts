import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { buildDataSourceOptions } from '@moderato/database';
import { Session } from '@moderato/identity';
import { SCHEMA } from '@moderato/schema';
import { Factories, LogCapture, createTestDatabase, startSmtpSink, testConfig, testRedisUrl, until, type SmtpSink, type TestDatabase } from '@moderato/testing';
import { createWorker } from '../src/bootstrap';

const DAY = 24 * 3600_000;

/** The worker applies the retention policy by itself: at start and then on its timer. */
describe('the worker prunes personal data past the retention policy', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let dataSource: DataSource;
  let make: Factories;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    dataSource = await new DataSource(buildDataSourceOptions(db.url, SCHEMA, { poolSize: 2 })).initialize();
    make = new Factories(dataSource);
  });

  afterAll(async () => {
    await worker?.close();
    await dataSource?.destroy();
    await sink?.stop();
    await db?.drop();
  });

  it('deletes sessions that ended longer ago than retentionSessionDays (30) and keeps the others, then again on its timer', async () => {
    const person = await make.user();
    const session = (overrides: Partial<Session>) =>
      dataSource.getRepository(Session).save({
        tokenHash: `${Math.random().toString(16).slice(2)}`.padEnd(64, '0'),
        userId: person.id,
        lastSeenAt: new Date(),
        expiresAt: new Date(Date.now() + 3600_000),
        ip: '192.0.2.9',
        userAgent: 'Firefox',
        ...overrides,
      });
    const ended = await session({ lastSeenAt: new Date(Date.now() - 45 * DAY), expiresAt: new Date(Date.now() - 44 * DAY), idToken: 'eyJ.old.token' });
    const endedRecently = await session({ lastSeenAt: new Date(Date.now() - 3 * DAY), expiresAt: new Date(Date.now() - 2 * DAY) });
    const live = await session({});

    worker = await createWorker({
      config: testConfig(db.url, { REDIS_URL: testRedisUrl(), SMTP_URL: sink.url }),
      logDestination: new LogCapture(),
      retention: { intervalMs: 300 },
    });
    await worker.init();

    const sessions = dataSource.getRepository(Session);
    await until(async () => (await sessions.findOneBy({ id: ended.id })) === null, 'the old session to be deleted', 15_000);
    expect(await sessions.findOneBy({ id: endedRecently.id })).not.toBeNull();
    expect(await sessions.findOneBy({ id: live.id })).not.toBeNull();
    const pruned = await dataSource.getRepository(AuditEvent).findBy({ action: 'retention.pruned' });
    expect(pruned).toHaveLength(1);

    // A session that has become old since is taken by a later pass of the timer, not only at start.
    await sessions.update({ id: endedRecently.id }, { lastSeenAt: new Date(Date.now() - 40 * DAY), expiresAt: new Date(Date.now() - 39 * DAY) });
    await until(async () => (await sessions.findOneBy({ id: endedRecently.id })) === null, 'the timer to delete the newly old session', 15_000);
    expect(await sessions.findOneBy({ id: live.id })).not.toBeNull();
  });
});
