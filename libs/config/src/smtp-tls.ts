import { readFileSync } from 'node:fs';

/** How the SMTP connection must be protected, beyond what SMTP_URL says. */
export interface SmtpTlsSettings {
  /** SMTP_REQUIRE_TLS: an smtp:// server that does not offer STARTTLS is refused (no mail in clear text). */
  readonly requireTls: boolean;
  /** SMTP_CA_FILE's PEM, read once at start-up: the CA(s) to trust for the relay's certificate. */
  readonly ca?: string;
}

type Problems = { variable: string; messages: string[] }[];

/**
 * The SMTP TLS settings. The CA file is read here, at start-up, so that a missing or unreadable
 * file stops the boot with its name instead of failing every mail later.
 */
export function smtpTlsSettings(
  vars: { SMTP_URL: string; SMTP_REQUIRE_TLS?: string; SMTP_CA_FILE?: string },
  asBoolean: (value: string) => boolean,
  problems: Problems,
): SmtpTlsSettings {
  const requireTls = vars.SMTP_REQUIRE_TLS === undefined ? false : asBoolean(vars.SMTP_REQUIRE_TLS);
  if (requireTls && vars.SMTP_URL.startsWith('smtps:')) {
    problems.push({ variable: 'SMTP_REQUIRE_TLS', messages: ['must not be true with an smtps:// SMTP_URL (that is TLS from the first byte already)'] });
  }
  if (!vars.SMTP_CA_FILE) return { requireTls };
  let ca: string;
  try {
    ca = readFileSync(vars.SMTP_CA_FILE, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    problems.push({ variable: 'SMTP_CA_FILE', messages: [`cannot be read (${code}): give a readable PEM file (got "${vars.SMTP_CA_FILE}")`] });
    return { requireTls };
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push({ variable: 'SMTP_CA_FILE', messages: [`holds no PEM certificate (-----BEGIN CERTIFICATE-----) (got "${vars.SMTP_CA_FILE}")`] });
  }
  return { requireTls, ca };
}
