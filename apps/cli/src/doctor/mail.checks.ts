import type { INestApplicationContext } from '@nestjs/common';
import { Outbox } from '@moderato/meetings';
import { ok, warn, type Report } from './check';

/** Mails the worker keeps retrying because SMTP failed temporarily: how many, since when, why. */
export async function checkMailBacklog(app: INestApplicationContext, report: Report): Promise<void> {
  const backlog = await app.get(Outbox).mailBacklog();
  if (!backlog) {
    report(ok('mail.backlog', 'No mail is waiting for the SMTP server'));
    return;
  }
  report(
    warn(
      'mail.backlog',
      `${backlog.count} mail${backlog.count === 1 ? '' : 's'} waiting since ${backlog.since.toISOString()}: ${backlog.lastError}`,
      'The worker sends them again by itself (for MAIL_RETRY_HOURS after the first failure) once the SMTP server accepts them; check SMTP_URL and the mail server.',
    ),
  );
}
