import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabase, freePort, loginThroughIdp, until, type TestDatabase } from '@moderato/testing';
import { csrfTokenOf } from './api-app';
import { landOnStandIn } from './signed-in';

const repo = join(__dirname, '../../..');
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/**
 * `npm run dev` as a newcomer meets it: in a copy of the repository with a new, empty database, and
 * the moment the URLs are printed a script signs in as the teacher, schedules a meeting for the
 * student with no other step, finds the invitation at the mail catcher, opens the link as the
 * student and lands in the Jitsi stand-in's room as participant; the teacher's Start as owner.
 * (Other ports and a Redis of its own, so that it runs beside the other tests.)
 */
describe('npm run dev on a fresh copy: schedule, mail, click, in the room', () => {
  let dir: string;
  let db: TestDatabase;
  let redis: ChildProcess;
  let dev: ChildProcess;
  let output = '';
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'moderato-dev-'));
    for (const entry of [
      'apps',
      'libs',
      'migrations',
      'scripts',
      'package.json',
      'tsconfig.json',
      'tsconfig.base.json',
      'tsconfig.build.json',
      'nest-cli.json',
    ]) {
      cpSync(join(repo, entry), join(dir, entry), { recursive: true, filter: (source) => !source.includes(`${join(repo, 'dist')}`) });
    }
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
    db = await createTestDatabase({ migrated: false });
    for (const name of ['api', 'idp', 'smtp', 'mail', 'jitsi', 'redis']) ports[name] = await freePort();
    redis = spawn('redis-server', ['--port', String(ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    dev = spawn(process.execPath, ['scripts/dev.mjs'], {
      cwd: dir,
      detached: true,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'development',
        PORT: String(ports.api),
        OIDC_ISSUER: `http://localhost:${ports.idp}`,
        DEV_MAIL_SMTP_PORT: String(ports.smtp),
        DEV_MAIL_WEB_PORT: String(ports.mail),
        DEV_JITSI_URL: `http://localhost:${ports.jitsi}`,
        DATABASE_URL: db.url,
        REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(async () => output.includes('Press Ctrl-C to stop everything.') || dev.exitCode !== null, 'the ready line of npm run dev', 150_000);
    if (!output.includes('Press Ctrl-C')) throw new Error(`npm run dev did not become ready:\n${output.slice(-4000)}`);
  }, 180_000);

  afterAll(async () => {
    if (dev?.pid) {
      try {
        process.kill(-dev.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await until(async () => dev.exitCode !== null || dev.signalCode !== null, 'npm run dev to stop', 15_000).catch(() => process.kill(-dev.pid!, 'SIGKILL'));
    }
    redis?.kill('SIGKILL');
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('prints the URLs only when the processes run on their final build, and the main job works at once', async () => {
    expect(output).toContain(`Moderato      http://localhost:${ports.api}`);
    // The compiler's first build was over before the URLs were printed (it used to rewrite dist/
    // seconds later, restarting the api and the IdP under a sign-in begun at once).
    const firstBuildDone = output.indexOf('Watching for file changes.');
    expect(firstBuildDone).toBeGreaterThan(-1);
    expect(firstBuildDone).toBeLessThan(output.indexOf('Press Ctrl-C to stop everything.'));
    expect(output).toContain(`Jitsi         http://localhost:${ports.jitsi}`);
    const base = `http://localhost:${ports.api}`;
    const issuer = `http://localhost:${ports.idp}`;

    const teacher = request.agent(base);
    const signedIn = await loginThroughIdp(teacher, issuer, { email: 'teacher@school.test', password: 'teacher' });
    expect(signedIn.callback.status).toBe(303);
    const csrf = csrfTokenOf((await teacher.get('/')).text);
    const start = new Date(Date.now() + 5 * 60_000);
    const created = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'First lesson',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test' }],
      });
    expect(created.status).toBe(201);
    const meeting = created.body as { id: string; roomName: string };

    // The invitation at the mail catcher, with the student's personal link.
    let link: string | undefined;
    let seen = '';
    await until(
      async () => {
        const mails = (await (await fetch(`http://127.0.0.1:${ports.mail}/email`)).json()) as { to: { address: string }[]; text: string }[];
        seen = JSON.stringify(mails).slice(0, 3000);
        const mail = mails.find((candidate) => candidate.to.some((to) => to.address === 'student@school.test'));
        link = mail ? new RegExp(`${base}(/j/[A-Za-z0-9_-]+)`).exec(mail.text)?.[1] : undefined;
        return Boolean(link);
      },
      'the invitation at the mail catcher',
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nmail catcher: ${seen}\noutput: ${output.slice(-3000)}`);
    });

    const student = request.agent(base);
    expect((await student.get(link!)).status).toBe(303); // to the sign-in
    await loginThroughIdp(student, issuer, { email: 'student@school.test', password: 'student' }, { returnTo: link });
    const joined = await student.get(link!);
    expect(joined.status).toBe(302);
    expect(joined.headers.location.startsWith(`http://localhost:${ports.jitsi}/${meeting.roomName}?jwt=`)).toBe(true);
    expect(await landOnStandIn(joined.headers.location)).toMatchObject({ verdict: 'joined', affiliation: 'member', room: meeting.roomName });

    const started = await teacher.get(`/meetings/${meeting.id}/start`);
    expect(started.status).toBe(302);
    expect(await landOnStandIn(started.headers.location)).toMatchObject({ verdict: 'joined', affiliation: 'owner', room: meeting.roomName });

    // No process restarted after the ready line (a restart would print "exited" or Nest's start again).
    const afterReady = output.slice(output.indexOf('Press Ctrl-C to stop everything.'));
    expect(afterReady).not.toMatch(/exited \(/);
    expect(afterReady).not.toMatch(/Restarting '/);
  }, 120_000);
});
