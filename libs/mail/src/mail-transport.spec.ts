import { isPermanentMailError } from './mail-transport';

/** Errors shaped as nodemailer reports them (code, command, responseCode). */
const smtpError = (code: string, command: string, responseCode?: number) => Object.assign(new Error('SMTP said no'), { code, command, responseCode });

describe('isPermanentMailError: which failures end a mail at once', () => {
  it('a 5xx for the recipient or the message is permanent', () => {
    expect(isPermanentMailError(smtpError('EENVELOPE', 'RCPT TO', 550))).toBe(true);
    expect(isPermanentMailError(smtpError('EENVELOPE', 'RCPT TO', 553))).toBe(true);
    expect(isPermanentMailError(smtpError('EMESSAGE', 'DATA', 554))).toBe(true);
    // An address nodemailer cannot even put into an envelope.
    expect(isPermanentMailError(smtpError('EENVELOPE', 'API'))).toBe(true);
  });

  it('no connection, time-outs, resets and 4xx replies are temporary', () => {
    expect(isPermanentMailError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET', command: 'CONN' }))).toBe(false);
    expect(isPermanentMailError(smtpError('ETIMEDOUT', 'CONN'))).toBe(false);
    expect(isPermanentMailError(smtpError('ECONNECTION', 'CONN'))).toBe(false);
    expect(isPermanentMailError(smtpError('EENVELOPE', 'RCPT TO', 450))).toBe(false);
    expect(isPermanentMailError(smtpError('EMESSAGE', 'DATA', 451))).toBe(false);
    expect(isPermanentMailError(smtpError('EENVELOPE', 'RCPT TO', 421))).toBe(false);
  });

  it("5xx outside the recipient (login, sender, bad sequence) is the setup's problem: retried while an admin fixes it", () => {
    expect(isPermanentMailError(smtpError('EAUTH', 'AUTH PLAIN', 535))).toBe(false);
    expect(isPermanentMailError(smtpError('EENVELOPE', 'MAIL FROM', 553))).toBe(false);
    expect(isPermanentMailError(smtpError('EENVELOPE', 'RCPT TO', 503))).toBe(false);
    expect(isPermanentMailError(new TypeError('something else'))).toBe(false);
  });
});
