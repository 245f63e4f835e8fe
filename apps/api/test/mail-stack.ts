import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import type { JitsiServer } from '@moderato/jitsi';
import { QUEUES, redisOptionsFromUrl } from '@moderato/jobs';
import { LogCapture, startSmtpSink, testConfig, testRedisUrl, type SmtpSink } from '@moderato/testing';
// eslint-disable-next-line no-restricted-imports -- the tests boot the worker beside the api
import { createWorker } from '../../worker/src/bootstrap';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

export interface MailStack {
  env: SignedInApi;
  worker: INestApplicationContext;
  /** A test that stops the sink and starts another (an SMTP outage) puts the new one here, so close() stops it. */
  sink: SmtpSink;
  server: JitsiServer;
  close(): Promise<void>;
}

/**
 * The api signed in through the dev IdP, the worker and an SMTP sink on one database, with a
 * registered Jitsi server: mails really go out. `redisDb` is the test file's own Redis database
 * (its worker must not take other files' jobs); `settings` go to both the api and the worker.
 */
export async function startMailStack(redisDb: number, settings: Record<string, string> = {}): Promise<MailStack> {
  const { sink, settings: all } = await mailSettings(redisDb, settings);
  const env = await startSignedInApi({ env: all });
  const worker = await startMailWorker(env.api.db.url, all);
  const server = await registerJitsiServer(env.api);
  const stack: MailStack = {
    env,
    worker,
    sink,
    server,
    close: async () => {
      await worker.close();
      await env.close();
      await stack.sink.stop();
    },
  };
  return stack;
}

/**
 * An SMTP sink and the settings that send the api's and the worker's mail to it through the test
 * file's own Redis database (`redisDb`), its mail queue emptied of an earlier run's jobs.
 */
export async function mailSettings(redisDb: number, settings: Record<string, string> = {}): Promise<{ sink: SmtpSink; settings: Record<string, string> }> {
  const redisUrl = testRedisUrl(redisDb);
  const sink = await startSmtpSink();
  const queue = new Queue(QUEUES.mail, { connection: redisOptionsFromUrl(redisUrl) });
  await queue.obliterate({ force: true });
  await queue.close();
  return { sink, settings: { REDIS_URL: redisUrl, SMTP_URL: sink.url, ...settings } };
}

/** The worker app on the api's database, as an operator runs it beside the api (fast polling and retries). */
export async function startMailWorker(databaseUrl: string, settings: Record<string, string>): Promise<INestApplicationContext> {
  const worker = await createWorker({
    config: testConfig(databaseUrl, settings),
    logDestination: new LogCapture(),
    mail: { pollIntervalMs: 100, retryDelayMs: 200, retryMaxDelayMs: 1000 },
  });
  await worker.init();
  return worker;
}

/** The calendar entry of a mail, parsed by ical.js (the engine in Thunderbird): its METHOD, UID, SEQUENCE and VEVENT. */
export function calendarOf(mail: ParsedMail): { method: string; uid: string; sequence: number; event: ICAL.Component; raw: string } {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error(`no text/calendar part in "${mail.subject}"`);
  const raw = part.content.toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(raw));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: String(event.getFirstPropertyValue('uid')),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    event,
    raw,
  };
}
