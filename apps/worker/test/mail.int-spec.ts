import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { ParsedMail } from 'mailparser';
import { DataSource, In } from 'typeorm';
import { QUEUES, redisOptionsFromUrl } from '@moderato/jobs';
import { OUTBOX_ID_HEADER, OutboxRelayService, resolveMailOptions } from '@moderato/mail';
import { Invitation, InvitationsService, LinkCodes, Meeting, Outbox, OutboxMessage, type OutboxKind } from '@moderato/meetings';
import { Factories, LogCapture, createTestDatabase, startSmtpSink, testConfig, testRedisUrl, until, type SmtpSink, type TestDatabase } from '@moderato/testing';
import { createWorker } from '../src/bootstrap';

// Redis database 13 is this file's alone: worker.int-spec (database 14) boots a worker with a mail
// processor too, which would take these jobs and not find their rows in its own database.
const redisUrl = testRedisUrl(13);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Unfolded iCalendar lines of the text/calendar part of a mail, without the VTIMEZONE (checked once below). */
function calendarOf(mail: ParsedMail): string[] {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error(`no text/calendar part in "${mail.subject}"`);
  return part.content
    .toString('utf8')
    .replace(/\r\n[ \t]/g, '')
    .replace(/BEGIN:VTIMEZONE\r\n[\s\S]*?END:VTIMEZONE\r\n/g, '')
    .split('\r\n');
}
const prop = (lines: string[], name: string) => lines.filter((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));

describe('mail delivery (outbox → BullMQ → SMTP, real PostgreSQL, Redis and SMTP)', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let queue: Queue;
  let worker: INestApplicationContext;
  let secondWorker: INestApplicationContext | undefined;
  let dataSource: DataSource;
  let factories: Factories;
  let linkCodes: LinkCodes;
  let relay: OutboxRelayService;
  const delivered: ParsedMail[] = [];

  const bootWorker = () =>
    createWorker({
      config: testConfig(db.url, { REDIS_URL: redisUrl, SMTP_URL: sink.url, MAIL_FROM: 'Moderato <moderato@school.test>' }),
      logDestination: new LogCapture(),
      // Short delays: the old give-up (5 attempts) passes in seconds; MAIL_RETRY_HOURS stays 48.
      mail: { retryDelayMs: 100, retryMaxDelayMs: 400, pollIntervalMs: 100 },
    });

  /** Every mail received so far, across sink restarts. */
  const allMails = () => [...delivered, ...sink.messages];
  const mailsFor = (rowId: string) => allMails().filter((mail) => mail.headers.get(OUTBOX_ID_HEADER.toLowerCase()) === rowId);

  async function restartSink(): Promise<void> {
    delivered.push(...sink.messages);
    await sink.stop();
  }

  async function writeRows(
    invitations: Invitation[],
    kind: OutboxKind,
    payload: Record<string, unknown> = { sequence: 0 },
    extra: Partial<OutboxMessage> = {},
  ): Promise<OutboxMessage[]> {
    const repo = dataSource.getRepository(OutboxMessage);
    return repo.save(
      invitations.map((invitation) =>
        repo.create({ kind, invitationId: invitation.id, payload, status: 'pending', notBefore: new Date(Date.now() - 1000), ...extra }),
      ),
    );
  }

  const invitationStatus = async (invitation: Invitation) => (await dataSource.getRepository(Invitation).findOneByOrFail({ id: invitation.id })).status;
  /** Waits until every row has failed `attempts` times (and is still waiting). */
  const waitForAttempts = (rows: OutboxMessage[], attempts: number) =>
    until(async () => {
      const current = await rowsById(rows);
      return current.length === rows.length && current.every((r) => r.attempts >= attempts) && current;
    }, `${rows.length} row(s) with ${attempts} failed attempts`);
  const rowsById = async (rows: OutboxMessage[]) => dataSource.getRepository(OutboxMessage).findBy({ id: In(rows.map((r) => r.id)) });
  const waitForStatus = (rows: OutboxMessage[], status: OutboxMessage['status'], timeoutMs?: number) =>
    until(
      async () => {
        const current = await rowsById(rows);
        return current.length === rows.length && current.every((r) => r.status === status) && current;
      },
      `${rows.length} row(s) ${status}`,
      timeoutMs,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    queue = new Queue(QUEUES.mail, { connection: redisOptionsFromUrl(redisUrl) });
    await queue.obliterate({ force: true });
    worker = await bootWorker();
    await worker.init();
    dataSource = worker.get(DataSource);
    factories = new Factories(dataSource);
    linkCodes = worker.get(LinkCodes);
    relay = worker.get(OutboxRelayService);
  });

  afterAll(async () => {
    await secondWorker?.close();
    await worker?.close();
    await queue?.close();
    await sink?.stop();
    await db?.drop();
  });

  it('sends one invitation per invitee, each with its own link and a valid .ics (series: RRULE)', async () => {
    const organizer = await factories.organizer({ displayName: 'Tina Teacher', email: 'tina@school.test' });
    const { meeting, invitations } = await factories.meeting({
      organizer,
      invitees: 3,
      overrides: {
        title: 'Maths 7b',
        rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10',
        startsAt: new Date('2030-01-07T07:00:00Z'),
        endsAt: new Date('2030-01-07T08:00:00Z'),
      },
    });
    const rows = await writeRows(invitations, 'invite');
    await waitForStatus(rows, 'sent');

    const links = new Set<string>();
    for (const [index, row] of rows.entries()) {
      const invitation = invitations[index];
      const mails = mailsFor(row.id);
      expect(mails).toHaveLength(1);
      const mail = mails[0];
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : undefined).toBe(invitation.email);
      expect(mail.from?.value[0].address).toBe('moderato@school.test');
      expect(mail.subject).toBe('Invitation: Maths 7b');
      const link = linkCodes.linkFor(invitation);
      links.add(link);
      expect(mail.text).toContain(link);
      expect(mail.text).toContain('Tina Teacher');
      expect(mail.html).toContain(`href="${link}"`);
      const ics = calendarOf(mail);
      expect(prop(ics, 'METHOD')).toEqual(['METHOD:REQUEST']);
      expect(prop(ics, 'UID')).toEqual([`UID:${meeting.id}@moderato`]);
      expect(prop(ics, 'SEQUENCE')).toEqual(['SEQUENCE:0']);
      expect(prop(ics, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20300107T080000']);
      // …and the zone it names is defined in the same file (Outlook reads the times through it).
      const raw = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString('utf8');
      expect(raw).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n');
      expect(raw).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
      expect(prop(ics, 'RRULE')).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10']);
      expect(prop(ics, 'URL')[0]).toContain(link);
      expect(prop(ics, 'ATTENDEE')[0].toLowerCase()).toContain(`mailto:${invitation.email}`);
    }
    expect(links.size).toBe(3);

    const sent = await dataSource.getRepository(OutboxMessage).findBy({ id: In(rows.map((r) => r.id)) });
    expect(sent.every((r) => r.attempts === 1 && r.sentAt instanceof Date)).toBe(true);
    const updated = await dataSource.getRepository(Invitation).findBy({ id: In(invitations.map((i) => i.id)) });
    expect(updated.every((i) => i.status === 'sent' && i.sentAt instanceof Date)).toBe(true);
  });

  it('writes SEQUENCE from the payload for an update, METHOD:CANCEL for a cancellation; the invitee language wins', async () => {
    const organizer = await factories.organizer({ locale: 'en' });
    const { meeting, invitations } = await factories.meeting({ organizer, invitees: 1, overrides: { title: 'Physik' } });
    await factories.user({ email: invitations[0].email, locale: 'de', timezone: 'America/New_York' });
    const [update] = await writeRows(invitations, 'update', { sequence: 1 });
    await waitForStatus([update], 'sent');
    const updateIcs = calendarOf(mailsFor(update.id)[0]);
    expect(mailsFor(update.id)[0].subject).toBe('Geändert: Physik');
    expect(mailsFor(update.id)[0].text).toContain('America/New_York');
    expect(prop(updateIcs, 'METHOD')).toEqual(['METHOD:REQUEST']);
    expect(prop(updateIcs, 'SEQUENCE')).toEqual(['SEQUENCE:1']);
    expect(prop(updateIcs, 'UID')).toEqual([`UID:${meeting.id}@moderato`]);
    expect(prop(updateIcs, 'RRULE')).toEqual([]);

    const [cancel] = await writeRows(invitations, 'cancel', { sequence: 2 });
    await waitForStatus([cancel], 'sent');
    const cancelMail = mailsFor(cancel.id)[0];
    expect(cancelMail.subject).toBe('Abgesagt: Physik');
    const cancelIcs = calendarOf(cancelMail);
    expect(prop(cancelIcs, 'METHOD')).toEqual(['METHOD:CANCEL']);
    expect(prop(cancelIcs, 'SEQUENCE')).toEqual(['SEQUENCE:2']);
    expect(prop(cancelIcs, 'STATUS')).toEqual(['STATUS:CANCELLED']);
  });

  it('sends nothing but a cancellation to a revoked invitation', async () => {
    const { invitations } = await factories.meeting({ invitees: 1 });
    await dataSource.getRepository(Invitation).update({ id: invitations[0].id }, { status: 'revoked' });
    const [invite] = await writeRows(invitations, 'invite');
    const [done] = await waitForStatus([invite], 'sent');
    expect(done.lastError).toBe('skipped: revoked');
    const [cancel] = await writeRows(invitations, 'cancel', { sequence: 1 });
    await waitForStatus([cancel], 'sent');
    await sleep(200);
    expect(mailsFor(invite.id)).toHaveLength(0);
    expect(mailsFor(cancel.id)).toHaveLength(1);
    expect((await dataSource.getRepository(Invitation).findOneByOrFail({ id: invitations[0].id })).status).toBe('revoked');
  });

  it('keeps every mail while SMTP refuses connections for longer than the old give-up (5 attempts), sends each exactly once when it is back', async () => {
    const port = sink.port;
    await restartSink();
    const { invitations } = await factories.meeting({ invitees: 2 });
    const { invitations: reminded } = await factories.meeting({ invitees: 1 });
    const rows = [...(await writeRows(invitations, 'invite')), ...(await writeRows(reminded, 'reminder'))];
    const waiting = await waitForAttempts(rows, 7);
    for (const row of waiting) {
      expect(['retrying', 'queued']).toContain(row.status);
      expect(row.sentAt).toBeNull();
      expect(row.lastError).toMatch(/ECONNREFUSED/);
      expect(row.failingSince).toBeInstanceOf(Date);
    }
    // The meeting page says "retrying", the dashboard and the doctor how many wait since when, and why.
    for (const invitation of [...invitations, ...reminded]) expect(await invitationStatus(invitation)).toBe('retrying');
    const backlog = await worker.get(Outbox).mailBacklog();
    expect(backlog).toEqual(expect.objectContaining({ count: 3, lastError: expect.stringMatching(/ECONNREFUSED/) }));
    expect(backlog!.since.getTime()).toBe(Math.min(...waiting.map((r) => r.failingSince!.getTime())));

    sink = await startSmtpSink({ port });
    await waitForStatus(rows, 'sent');
    await relay.runOnce();
    for (const row of rows) expect(mailsFor(row.id)).toHaveLength(1);
    expect(mailsFor(rows[2].id)[0].subject).toMatch(/^Reminder: /);
    for (const invitation of [...invitations, ...reminded]) expect(await invitationStatus(invitation)).toBe('sent');
    expect(await worker.get(Outbox).mailBacklog()).toBeUndefined();
  });

  it('a resend while the invitation is retrying replaces the waiting mail: one invitation arrives when SMTP is back', async () => {
    const port = sink.port;
    await restartSink();
    const organizer = await factories.organizer();
    const { meeting, invitations } = await factories.meeting({ organizer, invitees: 1 });
    const [first] = await writeRows(invitations, 'invite');
    // The relay paused once the mail waits for its next attempt: no worker holds it at the click.
    await waitForAttempts([first], 1);
    await relay.stop();
    try {
      await waitForStatus([first], 'retrying');
      await worker.get(InvitationsService).resendInvitation({ user: organizer, roles: ['organizer'] }, meeting.id, invitations[0].id);
    } finally {
      relay.start();
    }
    sink = await startSmtpSink({ port });
    const resent = await until(async () => {
      const rows = await dataSource.getRepository(OutboxMessage).findBy({ invitationId: invitations[0].id });
      return rows.length === 1 && rows[0].status === 'sent' && rows[0];
    }, 'the resent invitation sent, the waiting one gone');
    await relay.runOnce();
    expect(resent.id).not.toBe(first.id);
    expect(mailsFor(first.id)).toHaveLength(0);
    expect(mailsFor(resent.id)).toHaveLength(1);
  });

  it('marks the row and the invitation failed once temporary failures have lasted MAIL_RETRY_HOURS (48 h)', async () => {
    const port = sink.port;
    await restartSink();
    try {
      const { invitations } = await factories.meeting({ invitees: 2 });
      const hour = 3600_000;
      // One mail failing for a bit more than 48 hours, one for a bit less.
      const [late] = await writeRows([invitations[0]], 'invite', { sequence: 0 }, { failingSince: new Date(Date.now() - 48 * hour - 60_000) });
      const [recent] = await writeRows([invitations[1]], 'invite', { sequence: 0 }, { failingSince: new Date(Date.now() - 47 * hour) });
      const [failed] = await waitForStatus([late], 'failed');
      expect(failed.attempts).toBe(1);
      expect(failed.lastError).toMatch(/ECONNREFUSED/);
      expect(await invitationStatus(invitations[0])).toBe('failed');
      const [retrying] = await waitForAttempts([recent], 2);
      expect(retrying.status).not.toBe('failed');
      expect(await invitationStatus(invitations[1])).toBe('retrying');
    } finally {
      sink = await startSmtpSink({ port });
    }
  });

  it('fails a mail at once when the server refuses the recipient (5xx), retries a 4xx until it is accepted', async () => {
    const { invitations } = await factories.meeting({ invitees: 2 });
    const [unknown, busy] = invitations.map((invitation) => invitation.email);
    sink.refuseRecipients((address) =>
      address === unknown
        ? { code: 550, message: 'No such user here' }
        : address === busy
          ? { code: 450, message: 'Mailbox busy, try again later' }
          : undefined,
    );
    try {
      const [refused, deferred] = await writeRows(invitations, 'invite');
      const [failed] = await waitForStatus([refused], 'failed');
      expect(failed.attempts).toBe(1);
      expect(failed.lastError).toMatch(/550/);
      expect(await invitationStatus(invitations[0])).toBe('failed');
      const [waiting] = await waitForAttempts([deferred], 2);
      expect(waiting.lastError).toMatch(/450/);
      expect(await invitationStatus(invitations[1])).toBe('retrying');
      sink.refuseRecipients(undefined);
      await waitForStatus([deferred], 'sent');
      expect(mailsFor(deferred.id)).toHaveLength(1);
      expect(mailsFor(refused.id)).toHaveLength(0);
      expect(await invitationStatus(invitations[1])).toBe('sent');
    } finally {
      sink.refuseRecipients(undefined);
    }
  });

  it('drops a reminder whose meeting has started by the time SMTP is back, with the reason', async () => {
    const port = sink.port;
    await restartSink();
    const { meeting, invitations } = await factories.meeting({ invitees: 1 });
    const [reminder] = await writeRows(invitations, 'reminder');
    await waitForAttempts([reminder], 2);
    expect(await invitationStatus(invitations[0])).toBe('retrying');
    // Time passes: the meeting is running when SMTP works again.
    await dataSource.getRepository(Meeting).update({ id: meeting.id }, { startsAt: new Date(Date.now() - 60_000), endsAt: new Date(Date.now() + 3600_000) });
    sink = await startSmtpSink({ port });
    const [dropped] = await waitForStatus([reminder], 'sent');
    expect(dropped.lastError).toBe('skipped: meeting already started');
    expect(mailsFor(reminder.id)).toHaveLength(0);
    expect(await invitationStatus(invitations[0])).toBe('pending');
  });

  it('leaves rows pending while Redis is unreachable, relays and sends them later', async () => {
    await relay.stop();
    const deadQueue = new Queue(QUEUES.mail, { connection: { ...redisOptionsFromUrl('redis://127.0.0.1:1'), maxRetriesPerRequest: null } });
    deadQueue.on('error', () => undefined);
    const deadRelay = new OutboxRelayService(worker.get(Outbox), deadQueue, resolveMailOptions({ enqueueTimeoutMs: 500 }));
    try {
      const { invitations } = await factories.meeting({ invitees: 2 });
      const rows = await writeRows(invitations, 'invite');
      await expect(deadRelay.relayDue()).rejects.toThrow(/timed out/);
      expect(await deadRelay.runOnce()).toBe(0);
      expect((await rowsById(rows)).map((r) => r.status)).toEqual(['pending', 'pending']);
      relay.start();
      await waitForStatus(rows, 'sent');
      for (const row of rows) expect(mailsFor(row.id)).toHaveLength(1);
    } finally {
      relay.start();
      // close() waits for a connection that never came; do not wait for it longer than a moment.
      await Promise.race([deadQueue.close().catch(() => undefined), sleep(500)]);
    }
  });

  it('enqueues again a queued row whose job is gone from Redis', async () => {
    // The row is written `queued` at once, and the relay's loop is off meanwhile: a `pending` row
    // would be relayed (and sent) by the loop before the test could mark it queued, and the loop's
    // own stuck check would take the row (SKIP LOCKED) from this call.
    await relay.stop();
    try {
      const { invitations } = await factories.meeting({ invitees: 1 });
      const [row] = await writeRows(invitations, 'invite', { sequence: 0 }, { status: 'queued', notBefore: new Date(Date.now() - 11 * 60_000) });
      expect(await relay.requeueStuck()).toBe(1);
      await waitForStatus([row], 'sent');
      expect(mailsFor(row.id)).toHaveLength(1);
    } finally {
      relay.start();
    }
  });

  it('delivers every row exactly once with two workers relaying and sending', async () => {
    secondWorker = await bootWorker();
    await secondWorker.init();
    const { invitations } = await factories.meeting({ invitees: 12 });
    const rows = await writeRows(invitations, 'invite');
    // Both relays at once on top of the polling loops: SKIP LOCKED hands each row to one of them.
    await Promise.all([relay.relayDue(), secondWorker.get(OutboxRelayService).relayDue()]);
    await waitForStatus(rows, 'sent');
    await sleep(1000);
    for (const row of rows) expect(mailsFor(row.id)).toHaveLength(1);
    // A stale re-add of a sent row is a no-op, and a duplicate job would find the row sent.
    await queue.add('invite', { outboxId: rows[0].id }, { jobId: `${rows[0].id}-again` });
    await sleep(500);
    expect(mailsFor(rows[0].id)).toHaveLength(1);
  });
});
