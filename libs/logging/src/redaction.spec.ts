import pino from 'pino';
import type { AppConfig } from '@moderato/config';
import { loggerParams } from './logging.module';
import { redactUrl } from './redaction';

describe('redactUrl', () => {
  it.each([
    ['/auth/callback?code=abc123&state=xyz', '/auth/callback?code=[REDACTED]&state=[REDACTED]'],
    ['/room?jwt=eyJhbGciOi.x.y', '/room?jwt=[REDACTED]'],
    ['/x?a=1&token=t&b=2', '/x?a=1&token=[REDACTED]&b=2'],
    ['/j/Zm9vYmFyYmF6cXV4', '/j/[REDACTED]'],
    ['/j/Zm9vYmFy?lang=de', '/j/[REDACTED]?lang=de'],
    ['/calendar/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde.ics', '/calendar/[REDACTED]'],
    ['/meetings?page=2', '/meetings?page=2'],
    ['/auth/login?returnTo=%2Fj%2FSecretCode123', '/auth/login?returnTo=%2Fj%2F[REDACTED]'],
    [
      'https://meet.school.test/maths-7b?jwt=eyJ.x.y#userInfo.displayName=%22Sam%22',
      'https://meet.school.test/maths-7b?jwt=[REDACTED]#userInfo.displayName=%22Sam%22',
    ],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe('log lines', () => {
  function logLine(write: (logger: pino.Logger) => void): string {
    const lines: string[] = [];
    const params = loggerParams({ log: { level: 'info' } } as AppConfig).logger;
    write(pino(params, { write: (line: string) => lines.push(line) }));
    return lines.join('');
  }

  it('redact personal link codes and CSRF tokens in Referer like in url', () => {
    const line = logLine((logger) =>
      logger.info(
        { req: { id: '1', method: 'GET', url: '/j/SecretCode1234567', headers: { referer: 'https://moderato.test/j/SecretCode1234567?_csrf=tok3n' } } },
        'request completed',
      ),
    );
    expect(line).not.toContain('SecretCode1234567');
    expect(line).not.toContain('tok3n');
    expect(JSON.parse(line).req.headers.referer).toBe('https://moderato.test/j/[REDACTED]?_csrf=[REDACTED]');
  });

  it('redact a logged path (an error on a personal link) and keep it readable', () => {
    const line = logLine((logger) => logger.error({ method: 'GET', path: '/j/SecretCode1234567/guest', errorId: 'e' }, 'Unhandled error e'));
    expect(line).not.toContain('SecretCode1234567');
    expect(JSON.parse(line).path).toBe('/j/[REDACTED]/guest');
  });

  it('still remove credentials entirely', () => {
    const line = logLine((logger) => logger.info({ user: { password: 'hunter2' } }, 'x'));
    expect(line).not.toContain('hunter2');
  });
});
