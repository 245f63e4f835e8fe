import Redis from 'ioredis';
import { createTransport } from 'nodemailer';
import type { AppConfig } from '@moderato/config';
import { DatabaseProbe } from '@moderato/database';
import { redisOptionsFromUrl } from '@moderato/jobs';
import { describeMailError, smtpOptionsFromUrl } from '@moderato/mail';
import { SCHEMA } from '@moderato/schema';
import { displayUrl, errorText } from '../redact';
import { TIMEOUT_MS, fail, ok, warn, within, type CheckResult, type Report } from './check';

export type DatabaseState = 'down' | 'unmigrated' | 'ready';

/** PostgreSQL reachable, migrations current, schema as the entities expect. */
export async function checkPostgres(config: AppConfig, report: Report): Promise<DatabaseState> {
  const where = displayUrl(config.database.url);
  let database: DatabaseProbe;
  try {
    database = await within(
      DatabaseProbe.connect(config.database.url, SCHEMA, { connectTimeoutMs: TIMEOUT_MS, applicationName: 'moderato-doctor' }),
      TIMEOUT_MS + 1000,
      'PostgreSQL',
    );
  } catch (error) {
    report(
      fail(
        'postgres',
        `PostgreSQL is not reachable at ${where}: ${errorText(error)}`,
        'Start PostgreSQL (systemctl start postgresql), or set DATABASE_URL to where it runs, with a user that may log in to that database.',
      ),
    );
    return 'down';
  }
  try {
    report(ok('postgres', `PostgreSQL reachable at ${where} (PostgreSQL ${await database.serverVersion()})`));
    const migrations = await database.migrations();
    const applied = new Set(migrations.applied);
    const known = migrations.known;
    const pending = known.filter((name) => !applied.has(name));
    const unknown = [...applied].filter((name) => !known.includes(name));
    if (pending.length) {
      report(
        fail(
          'migrations',
          `${pending.length} of ${known.length} migrations not applied yet: ${pending.join(', ')}`,
          'Run the migrations: moderato migrate (npm run moderato -- migrate), or start the api with DB_MIGRATE_ON_BOOT=true.',
        ),
      );
      return 'unmigrated';
    }
    if (unknown.length) {
      report(
        warn(
          'migrations',
          `The database has migrations this version of Moderato does not know: ${unknown.join(', ')}`,
          'This Moderato is older than the database: run the version that migrated it (downgrades are not supported).',
        ),
      );
      return 'ready';
    }
    const changes = await database.schemaChanges();
    if (changes.up.length) {
      report(
        fail(
          'migrations',
          `All ${known.length} migrations applied, but the schema differs from what Moderato expects (${changes.up.length} statements, e.g. ${changes.up[0].slice(0, 80)})`,
          "Someone changed the schema by hand: restore it from a backup (pg_dump) or undo the change; never alter Moderato's tables directly.",
        ),
      );
      return 'ready';
    }
    report(ok('migrations', `Database schema is current (${known.length} migrations applied)`));
    return 'ready';
  } finally {
    await database.close();
  }
}

export async function checkRedis(config: AppConfig, report: Report): Promise<void> {
  const where = displayUrl(config.redis.url);
  const client = new Redis({
    ...redisOptionsFromUrl(config.redis.url),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: TIMEOUT_MS,
    retryStrategy: () => null,
  });
  // ioredis rejects with "Connection is closed"; the reason (ECONNREFUSED, …) comes as an event.
  let reason: unknown;
  client.on('error', (error) => (reason ??= error));
  try {
    await within(client.connect(), TIMEOUT_MS + 1000, 'Redis');
    const info = await within(client.info('server'), TIMEOUT_MS, 'Redis');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown version';
    report(ok('redis', `Redis reachable at ${where} (Redis ${version})`));
    const policy = await client.config('GET', 'maxmemory-policy').then(
      (reply) => (reply as string[])[1],
      () => undefined,
    );
    if (policy && policy !== 'noeviction') {
      report(
        warn(
          'redis.eviction',
          `Redis may evict keys (maxmemory-policy ${policy}): queued mails could be lost`,
          'Set maxmemory-policy noeviction in redis.conf (BullMQ needs it), then restart Redis.',
        ),
      );
    }
  } catch (error) {
    report(
      fail(
        'redis',
        `Redis is not reachable at ${where}: ${errorText(reason ?? error)}`,
        'Start Redis (systemctl start redis-server), or set REDIS_URL to where it runs (redis://host:6379, rediss:// for TLS).',
      ),
    );
  } finally {
    client.disconnect();
  }
}

function smtpFix(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timeout/i.test(message)) {
    return 'Nothing answers there: set SMTP_URL to your mail relay (smtp://user:password@host:587), or start it (npm run dev starts a mail catcher on port 1025).';
  }
  if (code === 'EAUTH') return 'The SMTP server refused the user name or password in SMTP_URL (smtp://user:password@host:port; URL-encode special characters).';
  if (code === 'ESOCKET' || code === 'ETLS')
    return 'TLS failed: use smtps:// for port 465 (TLS on connect) and smtp:// for 587/25 (STARTTLS), and check the server certificate.';
  return 'Check SMTP_URL (host and port of your mail relay) and that this machine may connect to it (firewall).';
}

/** EHLO (+ STARTTLS and login when configured); with `mailTo`, a test mail too. */
export async function checkSmtp(config: AppConfig, mailTo: string | undefined, report: Report): Promise<void> {
  const smtpUrl = config.mail.smtpUrl;
  const where = displayUrl(smtpUrl);
  const options = {
    ...smtpOptionsFromUrl(smtpUrl, config.mail.tls),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS * 2,
  };
  const transport = createTransport(options, { from: config.mail.from });
  try {
    try {
      await transport.verify();
      report(ok('smtp', `SMTP server at ${where} answers (EHLO${options.auth ? ', login accepted' : ', no login configured'})`));
    } catch (error) {
      report(fail('smtp', `SMTP server at ${where} does not accept Moderato: ${describeMailError(error, smtpUrl)}`, smtpFix(error)));
      return;
    }
    if (!mailTo) return;
    try {
      const info = await transport.sendMail({
        to: mailTo,
        subject: `${config.productName}: test mail from moderato doctor`,
        text: `This is a test mail sent by "moderato doctor" from ${config.publicUrl}.\nIf you can read it, invitations and reminders can be delivered too.\n`,
      });
      const rejected = (info.rejected ?? []).length;
      report(
        rejected
          ? fail(
              'smtp.test-mail',
              `The SMTP server refused the test mail to ${mailTo}`,
              'The relay does not deliver to that address or does not allow MAIL_FROM as sender; ask your mail administrator.',
            )
          : ok('smtp.test-mail', `Test mail to ${mailTo} accepted by the SMTP server (${info.messageId}); check that it arrives`),
      );
    } catch (error) {
      report(
        fail(
          'smtp.test-mail',
          `The test mail to ${mailTo} was not accepted: ${describeMailError(error, smtpUrl)}`,
          "Check MAIL_FROM (a sender your relay allows) and the relay's rules for this recipient.",
        ),
      );
    }
  } finally {
    transport.close();
  }
}

export type { CheckResult };
