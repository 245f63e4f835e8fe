import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, freePort, testRedisUrl, type TestDatabase } from '@moderato/testing';

/**
 * The built api (`npm test` builds first), started as an operator starts it:
 * `node dist/apps/api/src/main.js` with configuration from the environment.
 */
const MAIN = join(__dirname, '../../../dist/apps/api/src/main.js');

function run(env: Record<string, string>, until?: (output: string) => boolean, timeoutMs = 15_000) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: join(__dirname, '..'), // no .env file here
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  exited.finally(() => clearTimeout(timer));
  return { child, ready, exited, output: () => output };
}

describe('booting the built api', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it first)`);
  });

  it('refuses to start with invalid configuration, naming every bad variable in one message', async () => {
    const proc = run({ NODE_ENV: 'production', PORT: 'http', DATABASE_URL: 'mysql://db/moderato' });
    expect(await proc.exited).toBe(1);
    const output = proc.output();
    expect(output).toContain('Moderato cannot start: the configuration is invalid.');
    for (const variable of ['PORT', 'DATABASE_URL', 'COOKIE_SECRET', 'SECRETS_KEY']) expect(output).toContain(`  - ${variable} `);
    expect(output).toContain('See .env.example');
    expect(output).not.toMatch(/at \S+ \(/); // a message, not a stack trace
  });

  describe('with valid configuration', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ migrated: false });
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('migrates an empty database at boot, becomes ready, and exits cleanly on SIGTERM', async () => {
      // A port the system just gave out (a random one could be an ephemeral port in use). Another
      // process may still take it before the api binds it: then the api exits with EADDRINUSE and
      // is started again on another port, rather than the test talking to whoever got the port.
      let port = '';
      let proc: ReturnType<typeof run> | undefined;
      let output = ''; // of every attempt: the first one may have migrated before it failed to listen
      for (let attempt = 0; attempt < 3; attempt++) {
        port = String(await freePort());
        proc = run({ NODE_ENV: 'development', PORT: port, DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), LOG_LEVEL: 'info' }, (output) =>
          output.includes('Moderato api listening'),
        );
        await Promise.race([proc.ready, proc.exited]);
        output += proc.output();
        if (proc.child.exitCode === null || !proc.output().includes('EADDRINUSE')) break;
      }
      proc = proc!;
      expect(output).toContain('applied InitialSchema');
      expect(proc.child.exitCode).toBeNull(); // still running: it is the api that answers below
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { info: unknown }).info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    });
  });
});
