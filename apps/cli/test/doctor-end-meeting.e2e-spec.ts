import { startDevJitsi, type RunningDevJitsi } from '@moderato/dev-jitsi';
import { JitsiServersService } from '@moderato/jitsi';
import { createTestDatabase, freePort, testRedisUrl, type TestDatabase } from '@moderato/testing';
import { startApi, type RunningApi } from '../../api/test/api-app';
import { assertBuilt, checkLines, runCli } from './cli-process';

/** The doctor on End meeting: the system key URL answers, muc_end_meeting accepts the system token, or why not. */
describe('moderato doctor: End meeting (muc_end_meeting at the development stand-in)', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const stands: RunningDevJitsi[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    assertBuilt();
    db = await createTestDatabase();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    env = { NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), PUBLIC_URL: publicUrl, MAIL_FROM: 'Moderato <moderato@school.test>' };
    api = await startApi({ db, env });
    await api.app.listen(port, '127.0.0.1');
    const servers = api.app.get(JitsiServersService);
    for (const [name, appId] of [
      ['Accepts', 'moderato'],
      ['Other issuer', 'someone-else'],
    ]) {
      const jitsiPort = await freePort();
      const baseUrl = `http://127.0.0.1:${jitsiPort}`;
      const { server } = await servers.create(
        {
          name,
          baseUrl,
          xmppDomain: 'meet.jitsi',
          appId: 'moderato',
          audience: 'jitsi',
          signingMode: 'RS256',
          prosodyHttpUrl: baseUrl,
          mucDomain: 'conference.meet.jitsi',
        },
        { id: null, label: 'test' },
      );
      stands.push(
        await startDevJitsi({
          settings: { domain: 'meet.jitsi', appId, asapKeyServer: `${publicUrl}/asap/${server.id}`, systemKeyServer: `${publicUrl}/asap/system` },
          port: jitsiPort,
        }),
      );
    }
  });

  afterAll(async () => {
    for (const stand of stands) await stand.close();
    await api?.close();
    await db?.drop();
  });

  it('✔ the system key URL and the accepted system token; ✖ "Prosody refused the system token" where the host refuses it', async () => {
    const run = await runCli(['doctor'], env);
    const lines = checkLines(run.stdout);
    const mine = lines.filter((line) => /system key|muc_end_meeting|system token/.test(line));
    expect(mine).toEqual([
      expect.stringMatching(
        new RegExp(`^✔ Jitsi "Accepts": the system key URL ${env.PUBLIC_URL}/asap/system/[0-9a-f]{64}\\.pem serves the current system key$`),
      ),
      expect.stringMatching(/^✔ Jitsi "Accepts": muc_end_meeting at http:\/\/127\.0\.0\.1:\d+ accepts Moderato's system token$/),
      expect.stringMatching(/^✔ Jitsi "Other issuer": the system key URL .* serves the current system key$/),
      '✖ Jitsi "Other issuer": Prosody refused the system token (401)',
    ]);
    expect(run.stdout).toContain(`prosody_password_public_key_repo_url = "${env.PUBLIC_URL}/asap/system"`);
    expect(run.code).toBe(1);
  });

  it('server add --prosody-url/--muc-domain: validated, and the End meeting lines are printed with the system key URL', async () => {
    const base = [
      'server',
      'add',
      '--name',
      'CLI RS',
      '--url',
      'https://meet.cli.test',
      '--domain',
      'meet.jitsi',
      '--app-id',
      'moderato',
      '--signing',
      'RS256',
    ];
    const bad = await runCli([...base, '--prosody-url', 'xmpp:5280'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--prosody-url: prosodyHttpUrl must be an http(s) URL');
    const added = await runCli([...base, '--prosody-url', 'http://xmpp.meet.jitsi:5280', '--muc-domain', 'muc.meet.jitsi'], env);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Moderato calls http://xmpp.meet.jitsi:5280/end-meeting');
    expect(added.stdout).toMatch(/^GLOBAL_MODULES=muc_end_meeting$/m);
    expect(added.stdout).toContain(`GLOBAL_CONFIG=prosody_password_public_key_repo_url = "${env.PUBLIC_URL}/asap/system";`);
    const server = (await api.app.get(JitsiServersService).list()).find((s) => s.name === 'CLI RS');
    expect(server).toMatchObject({ prosodyHttpUrl: 'http://xmpp.meet.jitsi:5280', mucDomain: 'muc.meet.jitsi' });
  });
});
