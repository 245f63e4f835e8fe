import { readFileSync } from 'node:fs';
import { loadConfig } from '@moderato/config';
import { DomainError } from '@moderato/core';
import { JitsiServersService, secretLines } from '@moderato/jitsi';
import { UsageError, type CliCommand } from '../command';
import { withAppContext } from '../context';
import { cliActor } from './actor';

export const serverRotateSecretCommand: CliCommand = {
  name: 'server rotate-secret',
  usage: '<name|server id> [--secret-file <file>|-] [--json]',
  summary: "HS256: replace a Jitsi server's shared secret and print it once with the lines to change on the Jitsi side",
  options: { 'secret-file': { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ args, options, io, env, readStdin }) {
    const secretFile = options['secret-file'] as string | undefined;
    let given: string | undefined;
    if (secretFile !== undefined) {
      try {
        given = (secretFile === '-' ? await readStdin() : readFileSync(secretFile, 'utf8')).trim();
      } catch (error) {
        throw new UsageError(`--secret-file: cannot read ${secretFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
    const config = loadConfig(env);
    return withAppContext(config, async (app) => {
      const servers = app.get(JitsiServersService);
      const wanted = args[0].trim();
      const server = (await servers.list()).find((candidate) => candidate.id === wanted.toLowerCase() || candidate.name === wanted);
      if (!server) {
        io.err(`✖ No Jitsi server named or with the id "${wanted}" (moderato server list).`);
        return 1;
      }
      try {
        const { secret } = await servers.rotateSecret(server.id, cliActor(), given);
        // Only the lines that carry the secret change on the Jitsi side.
        const lines = secretLines(server, config.publicUrl, secret);
        if (options.json === true) {
          io.out(JSON.stringify({ id: server.id, secret, jitsiLines: lines }, null, 2));
          return 0;
        }
        io.out(`✔ The shared secret of "${server.name}" is replaced; Moderato signs with it from now on. It is shown this once:\n`);
        io.out(`  ${secret}\n`);
        io.out('Until Prosody has it, nobody can join a meeting on this server. Change this line and restart Prosody now:');
        for (const entry of lines) io.out(`  ${entry.file}:\n    ${entry.line}`);
        io.out('\nThen check with: moderato doctor (from source: npm run doctor)');
        return 0;
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
        const fields = Array.isArray(error.details) ? error.details.flatMap((detail: { messages: string[] }) => detail.messages) : [];
        io.err(`✖ ${error.message}${fields.length ? `: ${fields.join('; ')}` : ''}`);
        return 1;
      }
    });
  },
};
