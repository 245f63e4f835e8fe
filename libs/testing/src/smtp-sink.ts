import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  port: number;
  /** smtp://127.0.0.1:<port> — put it into SMTP_URL. */
  url: string;
  /** Every message received, parsed, in arrival order. */
  messages: ParsedMail[];
  /** Resolves with the messages once at least `count` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /**
   * Answers RCPT TO for the addresses `refuse` picks with that SMTP reply (e.g. 450 "mailbox
   * busy, try later", 550 "no such user"), instead of accepting; undefined accepts everything again.
   */
  refuseRecipients(refuse?: (address: string) => { code: number; message: string } | undefined): void;
  /**
   * Holds every message from now on before accepting it (the client waits for the answer to its
   * DATA) until the returned function is called: mails stay in flight while a test breaks something.
   */
  hold(): () => void;
  stop(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 that accepts every message (no auth needed, no STARTTLS unless
 * `startTls` gives it a key and certificate) and keeps it parsed. Stop it and start it again on
 * the same `port` to simulate SMTP down/up (connections refused meanwhile); refuseRecipients()
 * makes it answer 4xx/5xx for recipients.
 */
export async function startSmtpSink(options: { port?: number; startTls?: { key: string; cert: string } } = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let refuse: ((address: string) => { code: number; message: string } | undefined) | undefined;
  let held: Promise<void> | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: options.startTls ? [] : ['STARTTLS'],
    ...(options.startTls ? { key: options.startTls.key, cert: options.startTls.cert } : {}),
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      const reply = refuse?.(address.address);
      if (!reply) return callback();
      callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          await held;
          messages.push(mail);
          for (const wake of [...waiters]) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Keep a stray client error (e.g. a reset connection) from crashing the test process.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(count, timeoutMs = 10_000) {
      if (messages.length >= count) return Promise.resolve([...messages]);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve([...messages]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP sink: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    refuseRecipients(picker) {
      refuse = picker;
    },
    hold() {
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
