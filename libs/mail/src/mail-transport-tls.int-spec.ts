import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@moderato/config';
import { startSmtpSink } from '@moderato/testing';
import { MailTransport } from './mail-transport';

const mail = { to: 'student@school.test', subject: 'Maths 7b', text: 'See you there.' };

/** SMTP_REQUIRE_TLS and SMTP_CA_FILE against a real SMTP server, with and without STARTTLS. */
describe('SMTP over STARTTLS: SMTP_REQUIRE_TLS and SMTP_CA_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'moderato-smtp-tls-'));
  const caFile = join(dir, 'relay-ca.pem');
  let key: string;
  let cert: string;

  beforeAll(() => {
    // A self-signed certificate for 127.0.0.1: the relay's, and (as SMTP_CA_FILE) the CA to trust.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', caFile,
    ], { stdio: 'ignore' }); // prettier-ignore
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    cert = readFileSync(caFile, 'utf8');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const transportFor = (env: Record<string, string>) => new MailTransport(loadConfig({ MAIL_FROM: 'Moderato <moderato@school.test>', ...env }));

  it('with SMTP_REQUIRE_TLS=true a server without STARTTLS is refused and nothing is sent in clear text', async () => {
    const sink = await startSmtpSink();
    const transport = transportFor({ SMTP_URL: sink.url, SMTP_REQUIRE_TLS: 'true' });
    try {
      const error = await transport.send(mail).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(transport.describeError(error)).toMatch(/STARTTLS/i);
      expect(sink.messages).toHaveLength(0);
      // Without the setting the same server gets the mail (plain SMTP, as before).
      const plain = transportFor({ SMTP_URL: sink.url });
      await plain.send(mail);
      plain.onModuleDestroy();
      expect(await sink.waitFor(1)).toHaveLength(1);
    } finally {
      transport.onModuleDestroy();
      await sink.stop();
    }
  });

  it('a server offering STARTTLS with a certificate of the CA in SMTP_CA_FILE gets the mail; without the CA the certificate is refused', async () => {
    const sink = await startSmtpSink({ startTls: { key, cert } });
    const trusted = transportFor({ SMTP_URL: sink.url, SMTP_REQUIRE_TLS: 'true', SMTP_CA_FILE: caFile });
    const untrusted = transportFor({ SMTP_URL: sink.url, SMTP_REQUIRE_TLS: 'true' });
    try {
      await trusted.send(mail);
      const [received] = await sink.waitFor(1);
      expect(received.subject).toBe('Maths 7b');
      const error = await untrusted.send(mail).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(untrusted.describeError(error)).toMatch(/self[- ]signed|certificate/i);
      expect(sink.messages).toHaveLength(1);
    } finally {
      trusted.onModuleDestroy();
      untrusted.onModuleDestroy();
      await sink.stop();
    }
  });

  it('an unreadable SMTP_CA_FILE, or one without a certificate, stops the start naming it', () => {
    const missing = join(dir, 'missing.pem');
    expect(() => loadConfig({ SMTP_CA_FILE: missing })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_CA_FILE: missing })).toThrow(`SMTP_CA_FILE cannot be read (ENOENT): give a readable PEM file (got "${missing}")`);
    writeFileSync(join(dir, 'empty.pem'), 'not a certificate\n');
    expect(() => loadConfig({ SMTP_CA_FILE: join(dir, 'empty.pem') })).toThrow('SMTP_CA_FILE holds no PEM certificate');
    expect(() => loadConfig({ SMTP_URL: 'smtps://mail.school.test', SMTP_REQUIRE_TLS: 'true' })).toThrow('SMTP_REQUIRE_TLS must not be true with an smtps://');
    expect(loadConfig({ SMTP_CA_FILE: caFile, SMTP_REQUIRE_TLS: 'yes' }).mail.tls).toEqual({ requireTls: true, ca: cert });
  });
});
