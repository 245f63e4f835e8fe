import { redactUrl } from './redaction';

describe('redactUrl', () => {
  it.each([
    ['/auth/callback?code=abc123&state=xyz', '/auth/callback?code=[REDACTED]&state=[REDACTED]'],
    ['/room?jwt=eyJhbGciOi.x.y', '/room?jwt=[REDACTED]'],
    ['/x?a=1&token=t&b=2', '/x?a=1&token=[REDACTED]&b=2'],
    ['/j/Zm9vYmFyYmF6cXV4', '/j/[REDACTED]'],
    ['/j/Zm9vYmFy?lang=de', '/j/[REDACTED]?lang=de'],
    ['/meetings?page=2', '/meetings?page=2'],
    ['/auth/login?returnTo=%2Fj%2FSecretCode123', '/auth/login?returnTo=%2Fj%2F[REDACTED]'],
    ['https://meet.school.test/maths-7b?jwt=eyJ.x.y#userInfo.displayName=%22Sam%22', 'https://meet.school.test/maths-7b?jwt=[REDACTED]#userInfo.displayName=%22Sam%22'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});
