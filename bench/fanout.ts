/**
 * Fan-out: one meeting inviting 2,000 people. From the moment SchedulingService.create has saved
 * the meeting (invitations + outbox rows committed) until the SMTP sink accepted the last
 * invitation mail, through the built worker (outbox relay → BullMQ → mail processor) in
 * production mode. Then, in the same run and to the same sink, the same number of the same
 * messages, pre-rendered, sent with plain nodemailer. Every mail must arrive exactly once.
 *
 *   npm run bench:fanout
 */
import { createTransport } from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { SchedulingService } from '@moderato/meetings';
import { OUTBOX_ID_HEADER, smtpOptionsFromUrl } from '@moderato/mail';
import { startSmtpSink } from '@moderato/testing';
import {
  configOf,
  cpuMsOfPostgres,
  cpuMsOfTree,
  freshDatabase,
  inParallel,
  loadNow,
  machine,
  printTable,
  productionEnv,
  round,
  serviceContext,
  startBuilt,
  step,
  writeResults,
} from './lib/harness';
import { benchServers, signIn, studentsWithSessions } from './lib/people';

const INVITEES = Number(process.env.BENCH_INVITEES ?? 2000);
const TIMEOUT_MS = Number(process.env.BENCH_FANOUT_TIMEOUT_MS ?? 600_000);
/** After the last mail: how long to keep listening for duplicates. */
const SETTLE_MS = 5_000;

interface Arrival {
  at: number;
  mail: ParsedMail;
}

function header(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name.toLowerCase());
  return typeof value === 'string' ? value : String(value ?? '');
}

/** Each Message-ID once, each recipient once: what a person counting their inbox would check. */
function exactlyOnce(mails: ParsedMail[], expectedRecipients: string[]) {
  const ids = new Map<string, number>();
  for (const mail of mails) ids.set(mail.messageId ?? '(none)', (ids.get(mail.messageId ?? '(none)') ?? 0) + 1);
  const perRecipient = new Map<string, number>();
  for (const mail of mails) {
    const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((address) => address.value.map((v) => (v.address ?? '').toLowerCase()));
    for (const address of to) perRecipient.set(address, (perRecipient.get(address) ?? 0) + 1);
  }
  const missing = expectedRecipients.filter((address) => !perRecipient.has(address));
  return {
    received: mails.length,
    distinctMessageIds: ids.size,
    duplicateMessageIds: [...ids.values()].filter((count) => count > 1).length,
    recipientsMissing: missing.length,
    recipientsMoreThanOnce: [...perRecipient.values()].filter((count) => count > 1).length,
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const sink = await startSmtpSink();
  const arrivals: Arrival[] = [];
  // The sink keeps every parsed message; note when each arrived.
  const push = sink.messages.push.bind(sink.messages);
  sink.messages.push = (...mails: ParsedMail[]) => {
    for (const mail of mails) arrivals.push({ at: performance.now(), mail });
    return push(...mails);
  };

  step(`preparing moderato_bench_fanout: ${INVITEES} students with accounts, a teacher, an HS256 server`);
  const dbUrl = await freshDatabase('fanout');
  const env = productionEnv(dbUrl, { SMTP_URL: sink.url });
  const config = configOf(env);
  const ctx = await serviceContext(config);
  const { hs256 } = await benchServers(ctx);
  const organizer = await signIn(ctx, { subject: 'teacher-1', email: 'teacher1@school.test', name: 'Teacher One', roles: ['teachers'] });
  const students = await studentsWithSessions(ctx, INVITEES);
  await ctx.get(DataSource).query('VACUUM ANALYZE');

  step('starting the built worker (NODE_ENV=production)');
  const worker = await startBuilt('worker', env, (log) => log.includes('Moderato worker started'));
  let fanout: Record<string, number>;
  let workerMails: ParsedMail[];
  const loadBefore = loadNow();
  try {
    step(`saving a meeting with ${INVITEES} invitees`);
    const workerCpuBefore = cpuMsOfTree(worker.pid);
    const postgresCpuBefore = cpuMsOfPostgres();
    const saveStarted = performance.now();
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000);
    await ctx.get(SchedulingService).create(
      { user: organizer, roles: ['organizer'], ip: '127.0.0.1' },
      {
        title: 'Whole-school assembly',
        serverId: hs256.id,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
        timezone: 'Europe/Berlin',
        invitees: students.map(({ user }) => ({ email: user.email, name: user.displayName, role: 'participant' as const })),
      },
    );
    const saved = performance.now();
    step(`saved in ${round(saved - saveStarted, 0)} ms; waiting for ${INVITEES} mails`);
    await sink.waitFor(INVITEES, TIMEOUT_MS);
    const last = arrivals[INVITEES - 1].at;
    const first = arrivals[0].at;
    const workerCpuMs = cpuMsOfTree(worker.pid) - workerCpuBefore;
    const postgresCpuMs = cpuMsOfPostgres() - postgresCpuBefore;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    workerMails = sink.messages.slice();
    fanout = {
      saveMs: round(saved - saveStarted, 0),
      firstMailMs: round(first - saved, 0),
      lastMailMs: round(last - saved, 0),
      mailsPerSecond: round(INVITEES / ((last - saved) / 1000), 1),
      mailsPerSecondFirstToLast: round((INVITEES - 1) / ((last - first) / 1000), 1),
      // Includes the save's share of PostgreSQL (the harness saves through SchedulingService).
      workerCpuMsPerMail: round(workerCpuMs / INVITEES, 2),
      postgresCpuMsPerMail: round(postgresCpuMs / INVITEES, 2),
    };
  } finally {
    await worker.stop();
  }
  const loadAfterWorker = loadNow();
  const [outbox] = await ctx
    .get(DataSource)
    .query(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*)::int AS total FROM outbox_messages WHERE kind = 'invite'`);
  await ctx.close();
  const recipients = students.map(({ user }) => user.email);
  const workerCheck = {
    ...exactlyOnce(workerMails, recipients),
    outboxIds: new Set(workerMails.map((m) => header(m, OUTBOX_ID_HEADER))).size,
    outboxRowsSent: outbox.sent,
    outboxRows: outbox.total,
  };

  // The same messages, pre-rendered (subject, text, HTML, calendar part as received), sent with
  // one pooled nodemailer transport to the same sink: as fast as plain nodemailer gets there.
  step(`plain nodemailer: ${INVITEES} pre-rendered messages to the same sink`);
  const prerendered = workerMails.slice(0, INVITEES).map((mail) => ({
    from: config.mail.from,
    to: Array.isArray(mail.to) ? mail.to.map((address) => address.text).join(', ') : (mail.to?.text ?? ''),
    subject: mail.subject,
    text: mail.text,
    html: typeof mail.html === 'string' ? mail.html : undefined,
    icalEvent: mail.attachments.find((a) => a.contentType === 'text/calendar')
      ? { method: 'REQUEST', content: mail.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString() }
      : undefined,
  }));
  const before = sink.messages.length;
  const plainArrivalsFrom = arrivals.length;
  const transport = createTransport({ ...smtpOptionsFromUrl(sink.url), pool: true });
  const plainStarted = performance.now();
  await inParallel(prerendered, INVITEES, (message) => transport.sendMail(message as never));
  await sink.waitFor(before + INVITEES, TIMEOUT_MS);
  const plainLast = arrivals[plainArrivalsFrom + INVITEES - 1].at;
  transport.close();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const plainMails = sink.messages.slice(before);
  const plain = { lastMailMs: round(plainLast - plainStarted, 0), mailsPerSecond: round(INVITEES / ((plainLast - plainStarted) / 1000), 1) };
  const plainCheck = exactlyOnce(plainMails, recipients);
  await sink.stop();

  const ratio = round(fanout.mailsPerSecond / plain.mailsPerSecond, 2);
  const table = [
    {
      run: 'Moderato: save → outbox → worker → SMTP',
      mails: INVITEES,
      'first mail s': round(fanout.firstMailMs / 1000, 2),
      'last mail s': round(fanout.lastMailMs / 1000, 2),
      'mails/s': fanout.mailsPerSecond,
      'ratio to plain': ratio,
      'worker CPU ms/mail': fanout.workerCpuMsPerMail,
      'PG CPU ms/mail': fanout.postgresCpuMsPerMail,
      'exactly once':
        workerCheck.received === INVITEES &&
        workerCheck.duplicateMessageIds === 0 &&
        workerCheck.recipientsMissing === 0 &&
        workerCheck.recipientsMoreThanOnce === 0
          ? 'yes'
          : 'NO',
      load: loadAfterWorker.join(' '),
    },
    {
      run: 'plain nodemailer (pooled), pre-rendered',
      mails: INVITEES,
      'first mail s': '',
      'last mail s': round(plain.lastMailMs / 1000, 2),
      'mails/s': plain.mailsPerSecond,
      'ratio to plain': 1,
      'worker CPU ms/mail': '',
      'PG CPU ms/mail': '',
      'exactly once': plainCheck.received === INVITEES && plainCheck.duplicateMessageIds === 0 && plainCheck.recipientsMissing === 0 ? 'yes' : 'NO',
      load: loadNow().join(' '),
    },
  ];
  const text = printTable(`Fan-out: one meeting, ${INVITEES} invitation mails (save took ${fanout.saveMs} ms, not counted)`, table);
  console.log('\nworker mails', workerCheck, '\nplain mails', plainCheck);
  const targets = { ratio: ratio >= 0.5, exactlyOnce: table[0]['exactly once'] === 'yes' };
  console.log('targets (ratio ≥ 0.5, nothing lost or duplicated):', targets);
  writeResults('fanout', {
    benchmark: 'fanout',
    startedAt,
    machine: await machine(),
    parameters: { invitees: INVITEES },
    loadBefore,
    moderato: fanout,
    plainNodemailer: plain,
    ratio,
    verification: { worker: workerCheck, plain: plainCheck },
    targets,
    table: text,
  });
  if (!targets.exactlyOnce) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
