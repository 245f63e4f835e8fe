import { isUUID } from 'class-validator';
import { loadConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { JitsiServersService, inspectToken, type JitsiServer } from '@moderato/jitsi';
import { UsageError, type CliCommand } from '../command';
import { withAppContext } from '../context';

const SIGNATURE: Record<string, string> = {
  valid: 'valid',
  invalid: 'INVALID',
  'unknown-kid': 'UNKNOWN KEY (kid not published)',
  'not-checked': 'not checked (no matching server)',
};

export const tokenInspectCommand: CliCommand = {
  name: 'token inspect',
  usage: '<jwt | -> [--server <name or id>] [--json]',
  summary: 'explain why Jitsi refuses a token ("authentication failed"): every token rule (docs/jitsi-tokens.md) and the signature',
  options: { server: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ args, options, io, env, readStdin }) {
    const raw = args[0] === '-' ? await readStdin() : args[0];
    // Accept a whole join URL too: the token is its ?jwt= value.
    const token = /[?&]jwt=([^&#\s]+)/.exec(raw)?.[1] ?? raw;
    const wanted = options.server as string | undefined;
    const config = loadConfig(env);
    const { server, inspection, note } = await withAppContext(config, async (app) => {
      const servers = await app.get(JitsiServersService).list();
      let server: JitsiServer | undefined;
      let note: string;
      if (wanted !== undefined) {
        server = servers.find((s) => (isUUID(wanted) ? s.id === wanted : s.name === wanted));
        if (!server) throw new UsageError(`--server: no Jitsi server named "${wanted}" (moderato server list)`);
        note = `checked against server "${server.name}"`;
      } else {
        // Without --server: the one server whose app id is the token's "iss", if exactly one.
        const payload = (() => {
          try {
            return JSON.parse(Buffer.from(token.trim().split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
          } catch {
            return {};
          }
        })();
        const matching = servers.filter((s) => s.appId === payload.iss);
        server = matching.length === 1 ? matching[0] : undefined;
        note = server
          ? `checked against server "${server.name}" (its app id is the token's iss)`
          : `general rules only: ${matching.length ? 'several servers' : 'no server'} with app id ${JSON.stringify(payload.iss ?? null)}; pass --server`;
      }
      const key = server ? await app.get(JitsiServersService).verificationKey(server) : undefined;
      const inspection = await inspectToken(token, {
        server,
        key,
        now: app.get(Clock).now(),
        allowedAlgs: server ? [server.signingMode] : undefined,
      });
      return { server, inspection, note };
    });
    const fine = inspection.wellFormed && inspection.problems.length === 0 && (!server || inspection.signature === 'valid');
    if (options.json === true) {
      io.out(JSON.stringify({ ok: fine, server: server ? { id: server.id, name: server.name } : null, ...inspection }, null, 2));
      return fine ? 0 : 1;
    }
    io.out(`Token: ${note}`);
    if (inspection.header) io.out(`Header:  ${JSON.stringify(inspection.header)}`);
    if (inspection.payload) io.out(`Payload: ${JSON.stringify(inspection.payload, null, 2).replace(/\n/g, '\n         ')}`);
    if (inspection.notBefore) io.out(`Valid from:  ${inspection.notBefore.toISOString()}`);
    if (inspection.expiresAt) io.out(`Expires:     ${inspection.expiresAt.toISOString()}`);
    if (inspection.wellFormed)
      io.out(
        `May do:      ${
          inspection.features
            ? inspection.features.map((feature) => `${feature.name} ${feature.allowed ? 'yes' : 'no'}`).join(', ') || 'nothing (context.features is empty)'
            : 'no context.features: Jitsi decides by moderator status'
        }`,
      );
    io.out(`Signature:   ${SIGNATURE[inspection.signature]}`);
    io.out('');
    if (inspection.problems.length === 0) {
      io.out(fine ? '✔ Jitsi accepts this token: it follows every token rule (docs/jitsi-tokens.md).' : '✔ No rule broken (signature not checked).');
    } else {
      for (const problem of inspection.problems) io.out(`✖ [${problem.rule}] ${problem.message}`);
      io.out('');
      io.out('Each rule id, and what Jitsi logs for it, is explained in docs/jitsi-tokens.md.');
    }
    return fine ? 0 : 1;
  },
};
