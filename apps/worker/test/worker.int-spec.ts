import type { INestApplicationContext } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { QUEUES, redisOptionsFromUrl, type HealthPingResult } from '@moderato/jobs';
import { LogCapture, createTestDatabase, testConfig, testRedisUrl, type TestDatabase } from '@moderato/testing';
import { createWorker } from '../src/bootstrap';

// Redis database 14 keeps these queues apart from a `npm run dev` worker on the same machine.
const redisUrl = testRedisUrl(14);

describe('worker (real Redis through BullMQ)', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext | undefined;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    db = await createTestDatabase();
    const connection = redisOptionsFromUrl(redisUrl);
    queue = new Queue(QUEUES.health, { connection });
    events = new QueueEvents(QUEUES.health, { connection });
    await events.waitUntilReady();
    await queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await worker?.close();
    await events?.close();
    await queue?.close();
    await db?.drop();
  });

  it('boots without HTTP and answers a ping job on the health queue', async () => {
    worker = await createWorker({ config: testConfig(db.url, { REDIS_URL: redisUrl }), logDestination: new LogCapture() });
    await worker.init();
    const job = await queue.add('ping', { sentAt: new Date().toISOString() });
    const result = (await job.waitUntilFinished(events, 10_000)) as HealthPingResult;
    expect(result.pong).toBe(true);
    expect(result.worker).toContain(`:${process.pid}`);
  });

  it('stops taking jobs once shut down (SIGTERM path), leaving new ones for the next worker', async () => {
    await worker!.close();
    worker = undefined;
    const job = await queue.add('ping', { sentAt: new Date().toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await job.getState()).toBe('waiting');
  });
});
