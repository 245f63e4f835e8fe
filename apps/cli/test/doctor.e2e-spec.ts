import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { startDevIdp, type RunningDevIdp } from '@moderato/dev-idp';
import { JitsiServersService, mintRoomToken } from '@moderato/jitsi';
import { createTestDatabase, freePort, startSmtpSink, testRedisUrl, type SmtpSink, type TestDatabase } from '@moderato/testing';
import { startApi, type RunningApi } from '../../api/test/api-app';
import { assertBuilt, checkLines, runCli } from './cli-process';

/** A stand-in for a Jitsi Meet web server: a start page and a config.js naming `domain`. */
async function startJitsiWeb(domain: () => string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/config.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      res.end(`var config = {};\nconfig.hosts = {};\nconfig.hosts.domain = '${domain()}';\nconfig.hosts.muc = 'muc.${domain()}';\n`);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><title>Jitsi Meet</title>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('moderato doctor and the operator CLI (built, against real services)', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let idp: RunningDevIdp;
  let api: RunningApi;
  let jitsi: { url: string; close(): Promise<void> };
  let jitsiDomain = 'meet.jitsi';
  let env: Record<string, string>;
  let holder: Client;

  beforeAll(async () => {
    assertBuilt();
    db = await createTestDatabase();
    // The database is used mostly by the CLI's child processes: an idle connection keeps it
    // visibly in use, so another test run's clean-up of left-over test databases spares it.
    holder = new Client({ connectionString: db.url });
    await holder.connect();
    smtp = await startSmtpSink();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    idp = await startDevIdp({
      port: 0,
      clients: [
        { clientId: 'moderato', clientSecret: 'cli-test-secret', redirectUris: [`${publicUrl}/auth/callback`], postLogoutRedirectUris: [`${publicUrl}/`] },
      ],
    });
    jitsi = await startJitsiWeb(() => jitsiDomain);
    env = {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      PUBLIC_URL: publicUrl,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Moderato <moderato@school.test>',
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: 'moderato',
      OIDC_CLIENT_SECRET: 'cli-test-secret',
    };
    // The api at PUBLIC_URL serves the RS256 public keys (/asap/...), as in production.
    api = await startApi({ db, env });
    await api.app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await api?.close();
    await jitsi?.close();
    await idp?.close();
    await smtp?.stop();
    await holder?.end();
    await db?.drop();
  });

  describe('server add / server list', () => {
    it('refuses invalid input field by field (exit 2) and writes nothing', async () => {
      const run = await runCli(['server', 'add', '--name', 'Bad', '--url', 'meet.school.test', '--domain', 'meet jitsi', '--app-id', 'moderato'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--url: baseUrl must be an http(s) URL');
      expect(run.stderr).toContain('--domain: xmppDomain must be a domain name');
      expect(run.stderr).toContain('Usage: moderato server add');
      expect((await runCli(['server', 'list', '--json'], env)).stdout.trim()).toBe('[]');
    });

    it('registers an HS256 and an RS256 server, prints the Jitsi lines with the generated secret, and lists them', async () => {
      const hs = await runCli(['server', 'add', '--name', 'School HS', '--url', jitsi.url, '--domain', 'meet.jitsi', '--app-id', 'moderato'], env);
      expect(hs.code).toBe(0);
      expect(hs.stdout).toContain('✔ Added Jitsi server "School HS"');
      expect(hs.stdout).toMatch(/^JWT_APP_SECRET=[0-9a-f]{64}$/m);
      expect(hs.stdout).toContain('XMPP_MUC_MODULES=token_affiliation,token_owner_party');
      expect(hs.stdout).toContain('ENABLE_AUTO_OWNER=0');
      const rs = await runCli(
        ['server', 'add', '--name', 'School RS', '--url', jitsi.url, '--domain', 'meet.jitsi', '--app-id', 'moderato-rs', '--signing', 'RS256'],
        env,
      );
      expect(rs.code).toBe(0);
      expect(rs.stdout).toMatch(new RegExp(`^JWT_ASAP_KEYSERVER=${env.PUBLIC_URL}/asap/[0-9a-f-]{36}$`, 'm'));
      const again = await runCli(['server', 'add', '--name', 'School HS', '--url', jitsi.url, '--domain', 'meet.jitsi', '--app-id', 'moderato'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('exists already');

      const list = await runCli(['server', 'list'], env);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/School HS\s+http:\/\/127\.0\.0\.1:\d+\s+meet\.jitsi\s+moderato\s+jitsi\s+HS256\s+yes/);
      expect(list.stdout).toMatch(/School RS\s+.*RS256\s+yes/);
      // A working stack reports presence too: both servers have an events secret (event_sync).
      await holder.query(`UPDATE jitsi_servers SET events_secret_hash = repeat('a', 64), events_secret_set_at = now()`);
      const audit = await api.app.get(JitsiServersService).list();
      expect(audit.map((s) => s.name)).toEqual(['School HS', 'School RS']);
    });
  });

  describe('doctor', () => {
    it('prints ✔ for every check against a working stack, and exits 0', async () => {
      // A worker reported a moment ago (its LivenessService writes this every 5 s).
      await holder.query(
        `INSERT INTO worker_heartbeats (id, host, pid, started_at, seen_at) VALUES ('cli-test:1', 'cli-test', 1, now(), now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
      );
      const run = await runCli(['doctor'], env);
      const lines = checkLines(run.stdout);
      // End meeting is not offered on these servers (HS256; RS256 without a Prosody HTTP base URL): said, not failed.
      const endMeeting = lines.filter((line) => line.startsWith('– ') && line.includes('End meeting is'));
      expect(endMeeting).toEqual([
        expect.stringMatching(
          /^– Jitsi "School HS": End meeting is not offered: the server signs with HS256, .*switching it to RS256 alone breaks its HS256 logins\)\. To offer it, move the server to RS256/,
        ),
        '– Jitsi "School RS": End meeting is off: no Prosody HTTP base URL (set it on the server page to offer it)',
      ]);
      const failing = lines.filter((line) => !line.startsWith('✔') && !endMeeting.includes(line));
      expect({ code: run.code, failing }).toEqual({ code: 0, failing: [] });
      const expected = [
        /^✔ Configuration is valid/,
        /^✔ PostgreSQL reachable at postgres:\/\/postgres@127\.0\.0\.1:\d+\/moderato_t_/,
        /^✔ Database schema is current \(\d+ migrations applied\)/,
        /^✔ 1 worker process\(es\) running, last seen \d+ s ago/,
        /^✔ Redis reachable at redis:\/\//,
        /^✔ SMTP server at smtp:\/\/127\.0\.0\.1:\d+ answers \(EHLO/,
        /^✔ OpenID discovery works: issuer http:\/\/127\.0\.0\.1:\d+/,
        new RegExp(`^✔ The IdP accepts the redirect URI ${env.PUBLIC_URL}/auth/callback for client "moderato"`),
        /^✔ The IdP accepts the client credentials of "moderato" \(confidential client\)/,
        /^✔ Jitsi "School HS": http:\/\/127\.0\.0\.1:\d+ answers \(200\)/,
        /^✔ Jitsi "School HS": config\.js XMPP domain "meet\.jitsi" equals the token's sub/,
        /^✔ Jitsi "School HS": sample HS256 tokens \(owner, member\) pass all \d+ token rules \(docs\/jitsi-tokens\.md\), signature valid/,
        /^✔ Jitsi "School RS": sample RS256 tokens/,
        /^✔ Jitsi "School HS": a member token carries the policy's participant features \(allowed: screen-sharing; the rest false\); Prosody enforces recording, streaming, subtitles and calls only with filter_iq_jibri and filter_iq_rayo/,
        /^✔ Jitsi "School RS": a member token carries the policy's participant features/,
        new RegExp(`^✔ Jitsi "School RS": ${env.PUBLIC_URL}/asap/[0-9a-f-]{36}/[0-9a-f]{64}\\.pem serves the current public key`),
        /^✔ No mail is waiting for the SMTP server/,
      ];
      for (const pattern of expected) expect(lines.filter((line) => pattern.test(line))).toHaveLength(1);
      expect(run.stdout).toMatch(/✔ All \d+ checks fine\./);
      expect(run.stdout).not.toContain('cli-test-secret');
      // One query at a time per connection: pg warns (and pg 9 refuses) otherwise.
      expect(run.stderr).not.toContain('already executing a query');
      expect(run.stderr).toBe('');
    });

    it('a worker not seen for a minute: ! saying mails are not being sent', async () => {
      await holder.query(`UPDATE worker_heartbeats SET seen_at = now() - interval '65 seconds'`);
      const run = await runCli(['doctor'], env);
      // 65 s ago when the doctor started; a slow machine adds its own start-up time to the figure.
      const line = /^! No worker has reported for (\d+) s \(more than 30 s\): mails are not being sent$/m.exec(run.stdout);
      expect(line).not.toBeNull();
      expect(Number(line![1])).toBeGreaterThanOrEqual(65);
      expect(Number(line![1])).toBeLessThan(300);
      expect(run.stdout).toMatch(/Fix: Start the worker/);
    });

    it('--mail-to sends a test mail through SMTP', async () => {
      const before = smtp.messages.length;
      const run = await runCli(['doctor', '--mail-to', 'it@school.test'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('✔ Test mail to it@school.test accepted by the SMTP server');
      const [mail] = (await smtp.waitFor(before + 1)).slice(before);
      expect(mail.to).toMatchObject({ text: 'it@school.test' });
      expect(mail.from).toMatchObject({ text: expect.stringContaining('moderato@school.test') });
      expect(mail.subject).toBe('Moderato: test mail from moderato doctor');
      expect((await runCli(['doctor', '--mail-to', 'not-an-address'], env)).code).toBe(2);
    });

    it('mails the worker keeps retrying: ! how many wait since when, with the last SMTP error (a warning, exit 0)', async () => {
      const since = new Date(Date.now() - 2 * 3600_000);
      const { rows } = await holder.query(
        `INSERT INTO outbox_messages (kind, status, attempts, last_error, failing_since, last_attempt_at, not_before)
         VALUES ('invite', 'retrying', 9, 'connect ECONNREFUSED 10.0.0.25:587', $1, now() - interval '2 minutes', now() + interval '1 minute'),
                ('reminder', 'retrying', 3, 'Error: Mailbox busy, try again later', $1::timestamptz + interval '1 hour', now() - interval '1 minute', now() + interval '1 minute')
         RETURNING id`,
        [since],
      );
      try {
        const run = await runCli(['doctor'], env);
        expect(run.code).toBe(0);
        const warnings = checkLines(run.stdout).filter((line) => line.startsWith('!'));
        // (The worker's heartbeat line may warn too: no worker runs in this test.)
        expect(warnings.filter((line) => !line.includes('worker') && !line.includes('event_sync'))).toEqual([
          `! 2 mails waiting since ${since.toISOString()}: Error: Mailbox busy, try again later`,
        ]);
        expect(run.stdout).toContain('MAIL_RETRY_HOURS');
      } finally {
        await holder.query(`DELETE FROM outbox_messages WHERE id = ANY($1::uuid[])`, [rows.map((row: { id: string }) => row.id)]);
      }
    });

    it('Redis on a closed port: ✖ naming Redis with the fix, exit code 1', async () => {
      const closed = await freePort();
      const run = await runCli(['doctor'], { ...env, REDIS_URL: `redis://127.0.0.1:${closed}` });
      expect(run.code).toBe(1);
      const lines = run.stdout.split('\n');
      const index = lines.findIndex((line) => line.startsWith('✖ Redis is not reachable at'));
      expect(lines[index]).toContain(`redis://127.0.0.1:${closed}`);
      expect(lines[index]).toContain('ECONNREFUSED');
      expect(lines[index + 1]).toMatch(/^ {4}Fix: Start Redis .*REDIS_URL/);
      expect(checkLines(run.stdout).filter((line) => line.startsWith('✖'))).toHaveLength(1);
      expect(run.stdout).toContain('✖ 1 problem found');
    });

    it('a config.js naming another XMPP domain: ✖ naming both domains', async () => {
      jitsiDomain = 'meet.school.test';
      try {
        const run = await runCli(['doctor'], env);
        expect(run.code).toBe(1);
        const failing = checkLines(run.stdout).filter((line) => line.startsWith('✖'));
        expect(failing).toHaveLength(2); // both servers point at this Jitsi
        expect(failing[0]).toBe('✖ Jitsi "School HS": config.js says the XMPP domain is "meet.school.test", but Moderato signs tokens with sub "meet.jitsi"');
        expect(run.stdout).toContain('Fix: Set the XMPP domain of "School HS" to "meet.school.test" in Jitsi servers (/admin/servers)');
      } finally {
        jitsiDomain = 'meet.jitsi';
      }
    });

    it('says which server is the development Jitsi stand-in of npm run dev', async () => {
      const run = await runCli(['doctor'], { ...env, DEV_JITSI_URL: jitsi.url });
      expect(checkLines(run.stdout).filter((line) => line.startsWith('✖'))).toEqual([]);
      expect(run.stdout).toMatch(/✔ Jitsi "School HS" \(the development stand-in of npm run dev, not a real Jitsi Meet\): /);
      expect((await runCli(['doctor'], env)).stdout).not.toContain('development stand-in');
    });

    it('warns (exit 0) for a server without an events secret for presence events (event_sync), and says ✔ once it has one', async () => {
      await holder.query(`UPDATE jitsi_servers SET events_secret_hash = NULL, events_secret_set_at = NULL WHERE name = 'School RS'`);
      try {
        const run = await runCli(['doctor'], env);
        expect(run.code).toBe(0);
        expect(checkLines(run.stdout).filter((line) => line.includes('event_sync'))).toEqual([
          expect.stringMatching(
            /^✔ Jitsi "School HS": presence events \(event_sync\) have a secret \(set .*\); they post to .*\/jitsi\/[0-9a-f-]{36}\/events\/…$/,
          ),
          '! Jitsi "School RS": no events secret for presence events (event_sync): no attendance, nobody shown "in the room now", "Joined" means "link used"',
        ]);
        expect(run.stdout).toContain('/events-secret');
      } finally {
        await holder.query(`UPDATE jitsi_servers SET events_secret_hash = repeat('a', 64), events_secret_set_at = now() WHERE name = 'School RS'`);
      }
    });

    it('an OIDC_ISSUER that differs from the announced issuer only by a trailing slash: ✖ naming both and the difference', async () => {
      const run = await runCli(['doctor'], { ...env, OIDC_ISSUER: `${idp.issuer}/` });
      expect(run.code).toBe(1);
      const failing = checkLines(run.stdout).filter((line) => line.startsWith('✖'));
      expect(failing).toEqual([
        expect.stringContaining(`OIDC_ISSUER is ${idp.issuer}/ but the identity provider announces ${idp.issuer} (the trailing slash differs)`),
      ]);
      expect(run.stdout).toContain(`Set OIDC_ISSUER=${idp.issuer} (it must equal`);
    });

    it('a wrong client secret and a PUBLIC_URL nobody answers at: ✖ for the client and the RS256 key URL', async () => {
      const closed = await freePort();
      const run = await runCli(['doctor'], { ...env, OIDC_CLIENT_SECRET: 'wrong-secret', PUBLIC_URL: `http://127.0.0.1:${closed}` });
      expect(run.code).toBe(1);
      const failing = checkLines(run.stdout).filter((line) => line.startsWith('✖'));
      expect(failing.some((line) => line.startsWith('✖ The IdP refuses the credentials of client "moderato": invalid_client'))).toBe(true);
      expect(failing.some((line) => line.startsWith(`✖ Jitsi "School RS": key URL http://127.0.0.1:${closed}/asap/`))).toBe(true);
      expect(run.stdout).not.toContain('wrong-secret');
    });

    it('--json: one JSON document with every check, ok false when one fails', async () => {
      const good = await runCli(['doctor', '--json'], env);
      expect(good.code).toBe(0);
      const report = JSON.parse(good.stdout) as { ok: boolean; summary: { failed: number; passed: number }; checks: { id: string; status: string }[] };
      expect(report.ok).toBe(true);
      expect(report.summary.failed).toBe(0);
      expect(report.checks.map((check) => check.id)).toEqual(
        expect.arrayContaining([
          'config',
          'postgres',
          'migrations',
          'redis',
          'smtp',
          'oidc.discovery',
          'oidc.redirect-uri',
          'oidc.client',
          'jitsi.config-js',
          'jitsi.token',
          'jitsi.features',
          'jitsi.asap',
          'jitsi.events-secret',
        ]),
      );
      const bad = await runCli(['doctor', '--json'], { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
      expect(bad.code).toBe(1);
      const failed = JSON.parse(bad.stdout) as { ok: boolean; checks: { id: string; status: string; fix?: string }[] };
      expect(failed.ok).toBe(false);
      expect(failed.checks.filter((check) => check.status === 'fail')).toEqual([
        expect.objectContaining({ id: 'redis', fix: expect.stringContaining('REDIS_URL') }),
      ]);
    });

    it('invalid configuration: ✖ per bad variable, the rest skipped', async () => {
      const run = await runCli(['doctor'], { ...env, PUBLIC_URL: 'moderato.school.test', SESSION_MAX_HOURS: 'many' });
      expect(run.code).toBe(1);
      const lines = checkLines(run.stdout);
      expect(lines.filter((line) => line.startsWith('✖ Configuration: '))).toHaveLength(2);
      expect(lines.some((line) => line.startsWith('✖ Configuration: PUBLIC_URL must be the absolute http(s) URL'))).toBe(true);
      expect(lines.at(-1)).toBe('– Other checks skipped: they need a valid configuration');
    });

    it('PostgreSQL not reachable: ✖ naming it; the Jitsi servers are skipped, not failed', async () => {
      const run = await runCli(['doctor'], { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/moderato` });
      expect(run.code).toBe(1);
      const failing = checkLines(run.stdout).filter((line) => line.startsWith('✖'));
      expect(failing).toHaveLength(1);
      expect(failing[0]).toMatch(/^✖ PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:\d+\/moderato: .*ECONNREFUSED/);
      expect(run.stdout).toContain('– Jitsi servers not checked: they are stored in PostgreSQL, which is not reachable');
    });
  });

  describe('migrate', () => {
    it('an empty database: the doctor says migrations are missing; migrate applies them; the doctor is content', async () => {
      const empty = await createTestDatabase({ migrated: false });
      const emptyHolder = new Client({ connectionString: empty.url });
      await emptyHolder.connect();
      try {
        const emptyEnv = { ...env, DATABASE_URL: empty.url };
        const before = await runCli(['doctor'], emptyEnv);
        expect(before.stdout).toMatch(/✖ \d+ of \d+ migrations not applied yet: InitialSchema\d+/);
        expect(before.stdout).toContain('Fix: Run the migrations: moderato migrate');
        const migrate = await runCli(['migrate'], emptyEnv);
        expect(migrate.code).toBe(0);
        expect(migrate.stdout).toMatch(/^Applied \d+ migrations: InitialSchema\d+/);
        expect((await runCli(['migrate'], emptyEnv)).stdout).toContain('No pending migrations');
        const after = await runCli(['doctor'], emptyEnv);
        expect(after.stdout).toMatch(/✔ Database schema is current/);
        expect(after.stdout).toContain('✖ No Jitsi server is registered');

        // An existing Jitsi secret, given on standard input (never on the command line).
        const args = ['server', 'add', '--name', 'Existing', '--url', jitsi.url, '--domain', 'meet.jitsi', '--app-id', 'moderato', '--secret-file', '-'];
        const short = await runCli(args, emptyEnv, { stdin: 'too-short\n' });
        expect(short.code).toBe(2);
        expect(short.stderr).toContain('--secret-file: secret must be at least 32 characters');
        const secret = 'an-existing-jitsi-secret-0123456789abcdef';
        const added = await runCli(args, emptyEnv, { stdin: `${secret}\n` });
        expect(added.code).toBe(0);
        expect(added.stdout).toContain(`JWT_APP_SECRET=${secret}`);
        expect(added.stdout).not.toContain('A shared secret was generated');
        const last = await runCli(['doctor'], emptyEnv);
        // Content but for the worker: none has ever run against this new database.
        expect({ code: last.code, failing: checkLines(last.stdout).filter((line) => !line.startsWith('✔')) }).toEqual({
          code: 0,
          failing: [
            '! No worker has ever reported: mails are not being sent',
            expect.stringMatching(/^– Jitsi "Existing": End meeting is not offered: the server signs with HS256/),
            '! Jitsi "Existing": no events secret for presence events (event_sync): no attendance, nobody shown "in the room now", "Joined" means "link used"',
          ],
        });
      } finally {
        await emptyHolder.end();
        await empty.drop();
      }
      // Eight CLI processes one after another, each starting Node and connecting anew.
    }, 120_000);
  });

  describe('token inspect', () => {
    it('a token minted for the server passes; a broken one names each rule; exit codes say which', async () => {
      const servers = api.app.get(JitsiServersService);
      const [server] = (await servers.list()).filter((s) => s.name === 'School HS');
      const mint = async (overrides: { audience?: string } = {}) =>
        (
          await mintRoomToken({
            server: { ...server, audience: overrides.audience ?? server.audience },
            signingKey: await servers.signingKey(server),
            room: 'math-7b',
            user: { id: 'u-1', name: 'Sam Pupil', email: 'sam@school.test' },
            affiliation: 'member',
            window: { notAfter: new Date(Date.now() + 3600_000) },
            now: new Date(),
            maxTtlSeconds: 600,
            features: { 'screen-sharing': true, recording: false },
          })
        ).token;
      const good = await runCli(['token', 'inspect', await mint()], env);
      expect(good.stdout).toContain('May do:      screen-sharing yes, recording no');
      expect(good.code).toBe(0);
      expect(good.stdout).toContain('Token: checked against server "School HS" (its app id is the token\'s iss)');
      expect(good.stdout).toContain('Signature:   valid');
      expect(good.stdout).toContain('✔ Jitsi accepts this token: it follows every token rule (docs/jitsi-tokens.md).');

      const bad = await runCli(['token', 'inspect', '-', '--server', 'School HS'], env, {
        stdin: `https://meet.school.test/math-7b?jwt=${await mint({ audience: 'other' })}\n`,
      });
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^✖ \[claim\.aud\] .*"other".*"jitsi"/m);
      expect(bad.stdout).toContain('Each rule id, and what Jitsi logs for it, is explained in docs/jitsi-tokens.md.');

      const unknown = await runCli(['token', 'inspect', 'x.y.z', '--server', 'Nope'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no Jitsi server named "Nope"');
      const garbage = await runCli(['token', 'inspect', 'hello'], env);
      expect(garbage.code).toBe(1);
      expect(garbage.stdout).toContain('✖ [format] This is not a JWT');
    });
  });

  describe('doctor --interop <server>', () => {
    it('opens a test room and prints the four links with what must happen; the check is stored like one from the page', async () => {
      const run = await runCli(['doctor', '--interop', 'school hs'], env);
      expect(run.code).toBe(0);
      const links = [...run.stdout.matchAll(/^ {3}(http\S+)$/gm)].map((match) => new URL(match[1]));
      expect(links).toHaveLength(4);
      expect(links.every((url) => url.origin === jitsi.url)).toBe(true);
      expect(links.filter((url) => url.searchParams.has('jwt'))).toHaveLength(3);
      expect(run.stdout).toMatch(/moderato-test-/);
      expect(run.stdout).toContain('ENABLE_AUTO_OWNER=0');
      expect(run.stdout).toMatch(new RegExp(`Record what happened on the server's page: ${env.PUBLIC_URL}/admin/servers/[0-9a-f-]{36}/checks/[0-9a-f-]{36}`));
      const [check] = (await holder.query('SELECT status FROM jitsi_server_checks')).rows;
      expect(check.status).toBe('pending');
      const german = await runCli(['doctor', '--interop', 'School HS', '--lang', 'de'], env);
      expect(german.code).toBe(0);
      expect(german.stdout).not.toEqual(run.stdout);
      const unknown = await runCli(['doctor', '--interop', 'Nope'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no Jitsi server named "Nope"');
    });
  });

  describe('create-admin <email>', () => {
    it('grants admin before the first sign-in; the grant waits for that email', async () => {
      const run = await runCli(['create-admin', 'Head@School.test'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('head@school.test becomes administrator at their first sign-in');
      const rows = await holder.query('SELECT email, overrides FROM role_grants');
      expect(rows.rows).toEqual([{ email: 'head@school.test', overrides: { admin: 'grant' } }]);
      const [event] = (await holder.query("SELECT actor_label, subject_id FROM audit_events WHERE action = 'user.roles_granted'")).rows;
      expect(event.subject_id).toBe('head@school.test');
      expect(event.actor_label).toMatch(/^moderato CLI \(/);
    });

    it('an existing account with that verified email is admin at once', async () => {
      await holder.query(
        `INSERT INTO users (issuer, subject, email, email_verified, display_name) VALUES ('https://idp.test', 'sub-anna', 'anna@school.test', true, 'Anna')`,
      );
      const run = await runCli(['create-admin', 'anna@school.test', '--organizer'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('anna@school.test is administrator and organizer now (1 account)');
      const [user] = (await holder.query("SELECT role_overrides FROM users WHERE email = 'anna@school.test'")).rows;
      expect(user.role_overrides).toEqual({ admin: 'grant', organizer: 'grant' });
    });

    it('refuses something that is not an email (exit 2)', async () => {
      const run = await runCli(['create-admin', 'not-an-email'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('<email> must be an email address');
      expect((await runCli(['create-admin'], env)).code).toBe(2);
    });
  });

  it('no command or an unknown one: the list of commands, exit 2', async () => {
    const none = await runCli([], env);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/doctor\s+check configuration/);
    expect(none.stdout).toMatch(/server add\s+register a Jitsi server/);
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const group = await runCli(['server'], env);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('say which: add, list');
  });
});
