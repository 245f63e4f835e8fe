import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Transactions, buildDataSourceOptions } from '@moderato/database';
import { QUEUES } from '@moderato/jobs';
import { MAIL_CONCURRENCY, MAIL_LOCK_MS, MAIL_STALLED_CHECK_MS, OUTBOX_ID_HEADER, OutboxRelayService, resolveMailOptions, type MailJob } from '@moderato/mail';
import { Outbox, OutboxMessage, OutboxStore } from '@moderato/meetings';
import { SCHEMA } from '@moderato/schema';
import { Factories, createTestDatabase, freePort, startSmtpSink, until, type SmtpSink, type TestDatabase } from '@moderato/testing';

/**
 * Faults of the parts the worker runs on, with the built worker (`node dist/apps/worker/src/main.js`,
 * as an operator runs it) delivering 400 invitations: PostgreSQL ends its connections, Redis
 * restarts with its data lost, the worker is killed. Every mail must arrive; a mail is sent twice
 * at most when it was in flight (SMTP had accepted it, the row was not yet marked sent).
 * Redis here is a throwaway redis-server of this file's own (it is restarted empty below).
 */
const MAIN = join(__dirname, '../../../dist/apps/worker/src/main.js');
const MAILS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function spawnProc(command: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function stopProc(proc: Proc | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  await proc.exited;
}

/** GET /healthz on the worker's health port. */
function healthz(port: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve({ status: 0, body: undefined }));
  });
}

/** `node main.js health`, as the docker-compose healthcheck runs it: its exit code. */
async function healthCommand(env: Record<string, string>): Promise<number | null> {
  return spawnProc(process.execPath, [MAIN, 'health'], { NODE_ENV: 'test', ...env }).exited;
}

describe('worker faults: 400 invitations while a part fails', () => {
  let db: TestDatabase;
  let admin: DataSource;
  let sink: SmtpSink;
  let redisPort: number;
  let redis: Proc | undefined;
  const workers: Proc[] = [];

  async function startRedis(): Promise<void> {
    redis = spawnProc('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {});
    const started = redis;
    await until(async () => started.output().includes('Ready to accept connections'), 'redis-server to start', 10_000);
  }

  function startWorker(extraEnv: Record<string, string> = {}): Proc {
    const worker = spawnProc(process.execPath, [MAIN], {
      ...extraEnv,
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SMTP_URL: sink.url,
      MAIL_FROM: 'Moderato <moderato@school.test>',
      PUBLIC_URL: 'http://localhost:3000',
      LOG_LEVEL: 'info',
    });
    workers.push(worker);
    return worker;
  }

  const started = (worker: Proc) => until(async () => worker.output().includes('Moderato worker started'), 'the worker to start', 20_000);

  /** Deliveries per outbox row (by the header every mail carries). */
  function deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of sink.messages) {
      const id = String(mail.headers.get(OUTBOX_ID_HEADER.toLowerCase()));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  /** 400 invitations of one meeting, their outbox rows due now. */
  async function invite(): Promise<OutboxMessage[]> {
    const { invitations } = await new Factories(admin).meeting({ invitees: MAILS });
    const outbox = admin.getRepository(OutboxMessage);
    return outbox.save(
      invitations.map((invitation) =>
        outbox.create({ kind: 'invite', invitationId: invitation.id, payload: { sequence: 0 }, status: 'pending', notBefore: new Date(Date.now() - 1000) }),
      ),
    );
  }

  /** Every row delivered (at least once) and marked sent; returns how many mails were duplicates. */
  async function allDelivered(rows: OutboxMessage[]): Promise<number> {
    const ids = new Set(rows.map((row) => row.id));
    const arrived = () => [...ids].filter((id) => deliveries().has(id)).length;
    await until(async () => arrived() === MAILS, `${MAILS} mails`, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${arrived()} arrived`);
    });
    await until(
      async () =>
        Number((await admin.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE id = ANY($1::uuid[]) AND status = 'sent'`, [[...ids]]))[0].n) === MAILS,
      `${MAILS} rows marked sent`,
      // A mail a killed worker had sent but not marked waits for its lock to run out and the next
      // stalled check (MAIL_LOCK_MS + MAIL_STALLED_CHECK_MS at most), then is sent again and marked.
      MAIL_LOCK_MS + 2 * MAIL_STALLED_CHECK_MS + 10_000,
    );
    return [...deliveries()].filter(([id]) => ids.has(id)).reduce((sum, [, count]) => sum + count - 1, 0);
  }

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it first)`);
    db = await createTestDatabase();
    // One connection: every other backend of this database is the worker's.
    admin = await new DataSource(buildDataSourceOptions(db.url, SCHEMA, { poolSize: 1 })).initialize();
    redisPort = await freePort();
    await startRedis();
  });

  beforeEach(async () => {
    sink = await startSmtpSink();
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) await stopProc(worker);
    await sink?.stop();
  });

  afterAll(async () => {
    await stopProc(redis);
    await admin?.destroy();
    await db?.drop();
  });

  it('PostgreSQL ends every connection of the worker and refuses new ones for 3 s: all 400 arrive, the worker keeps running', async () => {
    const worker = startWorker();
    await started(worker);
    const rows = await invite();
    await sink.waitFor(80, 30_000);
    // Mails in flight stay in flight (SMTP holds them) while PostgreSQL goes away, as in a restart.
    const release = sink.hold();
    const url = new URL(db.url);
    const name = url.pathname.slice(1);
    url.pathname = '/postgres';
    const server = new Client({ connectionString: url.toString() });
    await server.connect();
    try {
      const [{ pid }] = await admin.query('SELECT pg_backend_pid() AS pid');
      await server.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      const ended = await server.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`, [name, pid]);
      expect(ended.rowCount).toBeGreaterThan(1); // the pool and the LISTEN connection
      await sleep(3_000);
    } finally {
      await server.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await server.end();
    }
    release();

    const duplicates = await allDelivered(rows);
    expect(duplicates).toBeLessThanOrEqual(MAIL_CONCURRENCY);
    // Without the fix the process ended here: "terminating connection due to administrator command".
    expect(worker.child.exitCode).toBeNull();
  }, 120_000);

  it('Redis restarts with its data lost: the lost jobs are enqueued again and all 400 arrive; meanwhile the health signal fails', async () => {
    const healthPort = await freePort();
    const healthEnv = { WORKER_HEALTH_PORT: String(healthPort) };
    const worker = startWorker(healthEnv);
    await started(worker);
    await until(async () => (await healthz(healthPort)).status === 200, 'the worker to say it is healthy', 15_000);
    expect(await healthCommand(healthEnv)).toBe(0);
    const rows = await invite();
    await sink.waitFor(80, 30_000);
    // Every row is in Redis (none pending): what Redis loses below is lost for good but for the fix.
    await until(
      async () =>
        Number(
          (await admin.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [rows.map((r) => r.id)]))[0].n,
        ) === 0,
      'all rows enqueued',
      10_000,
    );
    const release = sink.hold();
    await stopProc(redis);
    // While Redis is away, the worker says it cannot work: /healthz 503 and `main.js health` exits 1.
    const failing = await until(
      async () => {
        const answer = await healthz(healthPort);
        return answer.status === 503 && answer;
      },
      'the health signal to fail',
      30_000,
    );
    expect(failing.body).toMatchObject({ status: 'failing', problems: expect.arrayContaining([expect.stringMatching(/^Redis: /)]) });
    expect(await healthCommand(healthEnv)).toBe(1);
    await startRedis();
    release();

    const duplicates = await allDelivered(rows);
    expect(duplicates).toBeLessThanOrEqual(MAIL_CONCURRENCY);
    expect(worker.output()).toContain('Redis lost its data: re-enqueued');
    expect(worker.child.exitCode).toBeNull();
    await until(async () => (await healthz(healthPort)).status === 200, 'the worker to say it is healthy again', 15_000);
    const [heartbeat] = await admin.query(`SELECT pid, extract(epoch FROM now() - seen_at) AS age FROM worker_heartbeats WHERE pid = $1`, [worker.child.pid]);
    expect(Number(heartbeat.age)).toBeLessThan(30);
  }, 150_000);

  it('a queued row whose job gave up while PostgreSQL was away (the row could not be marked failed) is enqueued again and sent', async () => {
    const connection = { host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: null };
    const queue = new Queue<MailJob>(QUEUES.mail, { connection });
    // A worker of this test's own, failing the job at its only attempt as a mail job does when
    // PostgreSQL cannot be reached; the row stays `queued`.
    const failing = new Worker(
      QUEUES.mail,
      async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      { connection, autorun: false },
    );
    try {
      const { invitations } = await new Factories(admin).meeting({ invitees: 1 });
      const outbox = admin.getRepository(OutboxMessage);
      const row = await outbox.save(
        outbox.create({
          kind: 'invite',
          invitationId: invitations[0].id,
          payload: { sequence: 0 },
          status: 'queued',
          notBefore: new Date(Date.now() - 11 * 60_000),
        }),
      );
      await queue.add('invite', { outboxId: row.id }, { jobId: row.id, attempts: 1 });
      void failing.run();
      await until(async () => (await queue.getJob(row.id))?.isFailed(), 'the job to fail', 10_000);
      await failing.close();
      // The relay's sweep for rows stuck in `queued` (every minute in a worker) sees the failed job.
      const relay = new OutboxRelayService(new Outbox(new OutboxStore(admin), new Transactions(admin)), queue, resolveMailOptions());
      expect(await relay.requeueStuck()).toBe(1);
      const worker = startWorker();
      await started(worker);
      await until(async () => deliveries().get(row.id) === 1 && (await outbox.findOneByOrFail({ id: row.id })).status === 'sent', 'the mail sent', 20_000);
    } finally {
      await failing.close();
      await queue.close();
    }
  });

  it('the worker is killed (SIGKILL) mid-delivery: another one delivers the rest, duplicates at most the mails in flight', async () => {
    const first = startWorker();
    await started(first);
    const rows = await invite();
    await sink.waitFor(80, 30_000);
    // Killed with mails in flight: the sink has them but has not said so yet.
    const release = sink.hold();
    await stopProc(first, 'SIGKILL');
    expect(deliveries().size).toBeLessThan(MAILS);
    release();

    const second = startWorker();
    await started(second);
    const duplicates = await allDelivered(rows);
    expect(duplicates).toBeLessThanOrEqual(MAIL_CONCURRENCY);
  }, 120_000);
});
