import { isEmail } from 'class-validator';
import { UsageError, type CliCommand } from '../command';
import type { CheckResult } from '../doctor/check';
import { runDoctor } from '../doctor/doctor';

const MARK: Record<CheckResult['status'], string> = { ok: '✔', fail: '✖', warn: '!', skip: '–' };

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: '[--json] [--mail-to <address>]',
  summary: 'check configuration, PostgreSQL, Redis, SMTP, the identity provider and every Jitsi server',
  options: { json: { type: 'boolean' }, 'mail-to': { type: 'string' } },
  async run({ options, io, env }) {
    const mailTo = options['mail-to'] as string | undefined;
    if (mailTo !== undefined && !isEmail(mailTo)) throw new UsageError(`--mail-to needs an email address (got "${mailTo}")`);
    const json = options.json === true;
    if (!json) io.out('Moderato doctor\n');
    const results = await runDoctor({
      env,
      mailTo,
      onResult: json
        ? undefined
        : (result) => {
            io.out(`${MARK[result.status]} ${result.title}`);
            if (result.fix && result.status !== 'ok') io.out(`    Fix: ${result.fix}`);
          },
    });
    const failed = results.filter((result) => result.status === 'fail').length;
    const warned = results.filter((result) => result.status === 'warn').length;
    const passed = results.filter((result) => result.status === 'ok').length;
    if (json) {
      io.out(JSON.stringify({ ok: failed === 0, summary: { passed, failed, warnings: warned }, checks: results }, null, 2));
    } else {
      io.out('');
      io.out(
        failed
          ? `✖ ${failed} problem${failed === 1 ? '' : 's'} found (${passed} checks fine${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}). Fix the lines marked ✖ and run the doctor again.`
          : `✔ All ${passed} checks fine${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.`,
      );
    }
    return failed ? 1 : 0;
  },
};
