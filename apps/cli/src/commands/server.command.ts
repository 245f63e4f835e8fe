import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { loadConfig } from '@moderato/config';
import {
  CreateServerDto,
  JitsiServerNameTaken,
  JitsiServersService,
  SYSTEM_KEY_PATH,
  endMeetingSnippets,
  jitsiConfigSnippets,
  serverView,
  snippetsAsText,
} from '@moderato/jitsi';
import { UsageError, type CliCommand } from '../command';
import { withAppContext } from '../context';
import { cliActor } from './actor';

export const serverAddCommand: CliCommand = {
  name: 'server add',
  usage:
    '--name <name> --url <https://meet.school.org> --domain <xmpp domain> --app-id <app id> [--audience jitsi] [--signing HS256|RS256] [--secret-file <file>|-] [--lobby-bypass] [--prosody-url <http://xmpp.meet.jitsi:5280>] [--muc-domain <muc.meet.jitsi>] [--json]',
  summary: 'register a Jitsi server and print the lines to paste into its configuration',
  options: {
    name: { type: 'string' },
    url: { type: 'string' },
    domain: { type: 'string' },
    'app-id': { type: 'string' },
    audience: { type: 'string' },
    signing: { type: 'string' },
    'secret-file': { type: 'string' },
    'lobby-bypass': { type: 'boolean' },
    'prosody-url': { type: 'string' },
    'muc-domain': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ options, io, env, readStdin }) {
    const secretFile = options['secret-file'] as string | undefined;
    let secret: string | undefined;
    if (secretFile !== undefined) {
      try {
        secret = (secretFile === '-' ? await readStdin() : readFileSync(secretFile, 'utf8')).trim();
      } catch (error) {
        throw new UsageError(`--secret-file: cannot read ${secretFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
    const dto = plainToInstance(CreateServerDto, {
      name: options.name,
      baseUrl: options.url,
      xmppDomain: options.domain,
      appId: options['app-id'],
      audience: options.audience ?? 'jitsi',
      signingMode: ((options.signing as string | undefined) ?? 'HS256').toUpperCase(),
      secret,
      lobbyBypass: options['lobby-bypass'] === true,
      // End meeting (muc_end_meeting): Prosody's internal HTTP base and the rooms' MUC domain.
      prosodyHttpUrl: options['prosody-url'],
      mucDomain: options['muc-domain'],
    });
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      const flag: Record<string, string> = {
        name: '--name',
        baseUrl: '--url',
        xmppDomain: '--domain',
        appId: '--app-id',
        audience: '--audience',
        signingMode: '--signing',
        secret: '--secret-file',
        prosodyHttpUrl: '--prosody-url',
        mucDomain: '--muc-domain',
      };
      throw new UsageError(errors.map((error) => `${flag[error.property] ?? error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`).join('\n'));
    }
    if (dto.signingMode === 'RS256' && secret !== undefined) throw new UsageError('--secret-file is for HS256 only: RS256 servers get a key pair');
    const config = loadConfig(env);
    try {
      const { server, secret: created } = await withAppContext(config, (app) => app.get(JitsiServersService).create(dto, cliActor()));
      if (options.json === true) {
        io.out(JSON.stringify({ server: serverView(server), secret: created }, null, 2));
        return 0;
      }
      io.out(`✔ Added Jitsi server "${server.name}" (${server.id}).`);
      if (created && !secret) io.out('  A shared secret was generated; it is shown below this once (an admin can reveal it again on the server page).');
      io.out('  Paste the following into the Jitsi side, then check with: moderato doctor (from source: npm run doctor)\n');
      io.out(snippetsAsText(jitsiConfigSnippets(server, config.publicUrl, { secret: created }), server.name));
      if (server.signingMode === 'RS256' && server.prosodyHttpUrl) {
        io.out(`\n# End meeting for everyone (muc_end_meeting): Moderato calls ${server.prosodyHttpUrl}/end-meeting`);
        for (const section of endMeetingSnippets(server, `${config.publicUrl}${SYSTEM_KEY_PATH}`)) {
          io.out(`\n${section.comment} ${section.title}: ${section.file}`);
          for (const line of section.lines) io.out(`${section.comment} ${line.why}\n${line.line}`);
        }
      }
      return 0;
    } catch (error) {
      if (error instanceof JitsiServerNameTaken) {
        io.err(`✖ A Jitsi server named "${dto.name}" exists already: choose another --name (moderato server list).`);
        return 1;
      }
      throw error;
    }
  },
};

export const serverListCommand: CliCommand = {
  name: 'server list',
  usage: '[--json]',
  summary: 'list the registered Jitsi servers',
  options: { json: { type: 'boolean' } },
  async run({ options, io, env }) {
    const config = loadConfig(env);
    const servers = await withAppContext(config, (app) => app.get(JitsiServersService).list());
    if (options.json === true) {
      io.out(JSON.stringify(servers.map(serverView), null, 2));
      return 0;
    }
    if (!servers.length) {
      io.out('No Jitsi server registered. Add one: moderato server add --help');
      return 0;
    }
    const rows = [
      ['NAME', 'BASE URL', 'XMPP DOMAIN (sub)', 'APP ID (iss)', 'AUDIENCE', 'SIGNING', 'ENABLED', 'ID'],
      ...servers.map((s) => [s.name, s.baseUrl, s.xmppDomain, s.appId, s.audience, s.signingMode, s.enabled ? 'yes' : 'no', s.id]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows)
      io.out(
        row
          .map((cell, column) => cell.padEnd(widths[column]))
          .join('  ')
          .trimEnd(),
      );
    return 0;
  },
};
