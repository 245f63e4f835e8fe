import { isEmail, isUUID } from 'class-validator';
import { loadConfig } from '@moderato/config';
import { JitsiInteropService, JitsiServersService, formatInteropCheck } from '@moderato/jitsi';
import { translator } from '@moderato/i18n';
import { UsageError, type CliCommand } from '../command';
import { withAppContext } from '../context';
import { cliActor } from './actor';
import type { CheckResult } from '../doctor/check';
import { runDoctor } from '../doctor/doctor';

const MARK: Record<CheckResult['status'], string> = { ok: '✔', fail: '✖', warn: '!', skip: '–' };

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: '[--json] [--mail-to <address>] | --interop <server name or id> [--lang en|de]',
  summary: 'check configuration, PostgreSQL, Redis, SMTP, the identity provider and every Jitsi server',
  options: { json: { type: 'boolean' }, 'mail-to': { type: 'string' }, interop: { type: 'string' }, lang: { type: 'string' } },
  async run({ options, io, env }) {
    if (options.interop !== undefined) return interop(String(options.interop), String(options.lang ?? 'en'), options.json === true, io, env);
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

/**
 * `doctor --interop <server>`: opens a 15-minute test room on the server (as "Test this server" on
 * its admin page does) and prints the four links with what must happen and what to change if not.
 */
async function interop(
  server: string,
  lang: string,
  json: boolean,
  io: { out(text?: string): void },
  env: Record<string, string | undefined>,
): Promise<number> {
  if (lang !== 'en' && lang !== 'de') throw new UsageError(`--lang must be en or de (got "${lang}")`);
  if (!server.trim()) throw new UsageError('--interop needs a server name or id');
  const config = loadConfig(env);
  return withAppContext(config, async (app) => {
    const servers = await app.get(JitsiServersService).list();
    const found = servers.find((candidate) => (isUUID(server) && candidate.id === server) || candidate.name.toLowerCase() === server.trim().toLowerCase());
    if (!found)
      throw new UsageError(`no Jitsi server named "${server}" (known: ${servers.map((s) => s.name).join(', ') || 'none; add one with moderato server add'})`);
    const test = await app.get(JitsiInteropService).start(found.id, cliActor());
    if (json) {
      io.out(
        JSON.stringify(
          {
            server: { id: found.id, name: found.name },
            room: test.check.room,
            expiresAt: test.check.expiresAt,
            links: test.links,
            expectations: test.expectations,
          },
          null,
          2,
        ),
      );
    } else {
      io.out(
        formatInteropCheck(
          { serverName: found.name, room: test.check.room, expiresAt: test.check.expiresAt, links: test.links, expectations: test.expectations },
          translator(lang),
        ),
      );
      io.out(`Record what happened on the server's page: ${config.publicUrl}/admin/servers/${found.id}/checks/${test.check.id}`);
    }
    return 0;
  });
}
