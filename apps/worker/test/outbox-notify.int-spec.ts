import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES, redisOptionsFromUrl } from '@moderato/jobs';
import { OUTBOX_ID_HEADER } from '@moderato/mail';
import { OutboxMessage } from '@moderato/meetings';
import { Factories, LogCapture, createTestDatabase, startSmtpSink, testConfig, testRedisUrl, until, type SmtpSink, type TestDatabase } from '@moderato/testing';
import { createWorker } from '../src/bootstrap';

// Redis database 10 is this file's alone (see mail.int-spec.ts for why each worker test has its own).
const redisUrl = testRedisUrl(10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The relay polls only every minute here: a mail that arrives within seconds was started by the
 * notification of the OutboxNotify triggers, not by the poll.
 */
describe('new outbox rows wake the relay at once (LISTEN/NOTIFY)', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let queue: Queue;
  let worker: INestApplicationContext;
  let dataSource: DataSource;
  let factories: Factories;

  const mailsFor = (rowId: string) => sink.messages.filter((mail) => mail.headers.get(OUTBOX_ID_HEADER.toLowerCase()) === rowId);
  const listening = async () =>
    Number(
      (await dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN moderato_outbox'`))[0].n,
    ) === 1;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    queue = new Queue(QUEUES.mail, { connection: redisOptionsFromUrl(redisUrl) });
    await queue.obliterate({ force: true });
    worker = await createWorker({
      config: testConfig(db.url, { REDIS_URL: redisUrl, SMTP_URL: sink.url, MAIL_FROM: 'Moderato <moderato@school.test>' }),
      logDestination: new LogCapture(),
      mail: { retryDelayMs: 250, pollIntervalMs: 60_000 },
    });
    await worker.init();
    dataSource = worker.get(DataSource);
    factories = new Factories(dataSource);
    await until(listening, 'the relay to LISTEN', 10_000);
    // The relay's first round (at start) is over before the rows below exist.
    await sleep(300);
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await sink?.stop();
    await db?.drop();
  });

  it('delivers a new invitation within seconds although the next poll is a minute away; a row sent again wakes it too', async () => {
    const { invitations } = await factories.meeting({ invitees: 3 });
    const outbox = dataSource.getRepository(OutboxMessage);
    const saved = Date.now();
    const rows = await outbox.save(
      invitations.map((invitation) => outbox.create({ kind: 'invite', invitationId: invitation.id, payload: { sequence: 0 }, status: 'pending' })),
    );
    await until(async () => rows.every((row) => mailsFor(row.id).length === 1), '3 invitation mails', 10_000);
    expect(Date.now() - saved).toBeLessThan(10_000);

    // "Send again": the row goes back to pending (as InvitationsService.resendInvitation does).
    await until(async () => (await outbox.findOneByOrFail({ id: rows[0].id })).status === 'sent', 'the row marked sent', 5_000);
    await outbox.update({ id: rows[0].id }, { status: 'pending', sentAt: null });
    await until(async () => mailsFor(rows[0].id).length === 2, 'the mail sent again', 10_000);
    expect(mailsFor(rows[1].id)).toHaveLength(1);
  });

  it('listens again after its connection was cut', async () => {
    await dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN moderato_outbox'`);
    await until(async () => !(await listening()), 'the old listener gone', 5_000);
    await until(listening, 'the relay to LISTEN again', 15_000);
    const { invitations } = await factories.meeting({ invitees: 1 });
    const outbox = dataSource.getRepository(OutboxMessage);
    const [row] = await outbox.save([outbox.create({ kind: 'invite', invitationId: invitations[0].id, payload: { sequence: 0 }, status: 'pending' })]);
    await until(async () => mailsFor(row.id).length === 1, 'the invitation mail', 10_000);
  });
});
