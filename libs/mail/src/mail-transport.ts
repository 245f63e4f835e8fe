import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig, type SmtpTlsSettings } from '@moderato/config';
import { MAIL_CONCURRENCY } from './mail.options';

/**
 * Transport options from SMTP_URL: `smtp://` talks plain SMTP and upgrades with STARTTLS when
 * the server offers it; `smtps://` uses TLS from the first byte (port 465 by default).
 * SMTP_REQUIRE_TLS (`tls.requireTls`) refuses an smtp:// server that does not offer STARTTLS
 * instead of sending in clear text; SMTP_CA_FILE (`tls.ca`) is the CA the server's certificate
 * must chain to (a relay with a certificate of the organisation's own CA).
 */
export function smtpOptionsFromUrl(smtpUrl: string, tls: SmtpTlsSettings = { requireTls: false }): SMTPTransport.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && tls.requireTls,
    tls: tls.ca ? { ca: tls.ca } : undefined,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/** An error message fit for the database and the log: no SMTP credentials, one line, bounded. */
export function describeMailError(error: unknown, smtpUrl?: string): string {
  let message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  if (smtpUrl) {
    const url = new URL(smtpUrl);
    for (const secret of [url.password, decodeURIComponent(url.password)].filter(Boolean)) message = message.split(secret).join('***');
  }
  message = message.replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***@');
  return message.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * True when sending the same message again cannot help: the server refused this recipient or
 * this message with a 5xx reply (RCPT TO, DATA; 503 "bad sequence" excepted), or the address
 * could not even be put into an envelope. Everything else is temporary and retried: no
 * connection, time-outs, resets, 4xx replies, and also refused logins or a refused sender (the
 * server's or Moderato's configuration, which an admin can fix; the waiting mail shows on the
 * dashboard meanwhile).
 */
export function isPermanentMailError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, command, responseCode } = error as { code?: unknown; command?: unknown; responseCode?: unknown };
  if (typeof responseCode === 'number')
    return responseCode >= 500 && responseCode < 600 && responseCode !== 503 && (command === 'RCPT TO' || command === 'DATA');
  return code === 'EENVELOPE';
}

/** Sends mail through SMTP_URL, `From: MAIL_FROM`, over a small pool of SMTP connections. */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly transporter: Transporter<SMTPPool.SentMessageInfo>;

  constructor(private readonly config: AppConfig) {
    this.transporter = createTransport(
      { ...smtpOptionsFromUrl(config.mail.smtpUrl, config.mail.tls), pool: true, maxConnections: MAIL_CONCURRENCY, maxMessages: 100 },
      { from: config.mail.from },
    );
  }

  send(message: SendMailOptions): Promise<SMTPPool.SentMessageInfo> {
    return this.transporter.sendMail(message);
  }

  /** MAIL_FROM's address ("Moderato <a@b>" → a@b): the calendar organizer of a mail sent on nobody's behalf. */
  senderAddress(): string {
    const from = this.config.mail.from;
    return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
  }

  describeError(error: unknown): string {
    return describeMailError(error, this.config.mail.smtpUrl);
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }
}
