import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The built api, worker and `moderato` CLI (`npm test` builds first), started as an operator
 * starts them with NODE_ENV=production and the demo values of docker-compose.yml: each must
 * refuse, naming every variable to change and how, without printing a secret.
 */
const DIST = join(__dirname, '../../../dist/apps');
const ENTRIES = {
  api: [join(DIST, 'api/src/main.js')],
  worker: [join(DIST, 'worker/src/main.js')],
  'moderato migrate': [join(DIST, 'cli/src/main.js'), 'migrate'],
  'moderato server list': [join(DIST, 'cli/src/main.js'), 'server', 'list'],
  'moderato doctor': [join(DIST, 'cli/src/main.js'), 'doctor'],
} as const;

/** A folder without a .env file, so only the given environment counts. */
const CWD = mkdtempSync(join(tmpdir(), 'moderato-secrets-'));

function run(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: CWD, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** What docker-compose.yml used to give the containers when .env set nothing, with NODE_ENV=production. */
const DEMO = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'http://localhost:3000',
  DATABASE_URL: 'postgres://moderato:moderato@127.0.0.1:5432/moderato',
  REDIS_URL: 'redis://127.0.0.1:6379',
  COOKIE_SECRET: 'CHANGE-ME-demo-only-cookie-secret-use-openssl-rand-base64-48',
  SECRETS_KEY: 'CHANGE+ME+demo+only+key+openssl+rand+base64=',
  OIDC_ISSUER: 'http://localhost:8080/realms/moderato',
  OIDC_ALLOW_INSECURE_HTTP: 'true',
  OIDC_CLIENT_SECRET: 'moderato-demo-client-secret-CHANGE-ME',
};
const SECRET_TEXTS = ['CHANGE-ME-demo-only', 'CHANGE+ME+demo', 'moderato-demo-client-secret', 'moderato:moderato@'];

describe('production refuses the demo secrets (built processes)', () => {
  beforeAll(() => {
    for (const [entry] of Object.values(ENTRIES)) if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" (npm test does it first)`);
  });

  it.each(Object.keys(ENTRIES) as (keyof typeof ENTRIES)[])('%s exits non-zero naming each demo secret and how to replace it', async (name) => {
    const { code, output } = await run(ENTRIES[name], DEMO);
    expect(code).not.toBe(0);
    // The processes stop with the configuration message; the doctor lists the same as ✖ lines.
    expect(output).toContain(name === 'moderato doctor' ? '✖ Configuration: COOKIE_SECRET' : 'Moderato cannot start: the configuration is invalid.');
    for (const variable of ['COOKIE_SECRET', 'SECRETS_KEY', 'OIDC_CLIENT_SECRET', 'DATABASE_URL'])
      expect(output).toMatch(new RegExp(`${variable} (has a password that )?is the public demo value`));
    expect(output).toContain('openssl rand -base64 48');
    expect(output).toContain('openssl rand -base64 32');
    for (const secret of SECRET_TEXTS) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/at \S+ \(/); // a message, not a stack trace
  });

  it('the api refuses a short secret and a missing one in the same message, with the minimum', async () => {
    const { code, output } = await run(ENTRIES.api, {
      ...DEMO,
      COOKIE_SECRET: 'short-secret',
      SECRETS_KEY: '',
      OIDC_CLIENT_SECRET: 'a-real-client-secret-from-the-idp',
    });
    expect(code).toBe(1);
    expect(output).toContain('  - COOKIE_SECRET must be at least 32 characters long (openssl rand -base64 48)');
    expect(output).toContain('  - SECRETS_KEY must be 32 random bytes in base64 (generate one with: openssl rand -base64 32) (not set)');
    expect(output).not.toContain('short-secret');
  });

  it('the worker refuses a DATABASE_URL whose password is not percent-encoded, saying how to encode it', async () => {
    const { code, output } = await run(ENTRIES.worker, {
      ...DEMO,
      COOKIE_SECRET: 'k9VJf2rL0pQx7sTz4mWc8bYh1nDg6aEu3oRi5vXq',
      SECRETS_KEY: Buffer.alloc(32, 3).toString('base64'),
      OIDC_CLIENT_SECRET: 'a-real-client-secret-from-the-idp',
      DATABASE_URL: 'postgres://moderato:Zm9v/YmFy+cXV4@127.0.0.1:5432/moderato',
    });
    expect(code).toBe(1);
    expect(output).toContain('  - DATABASE_URL has a user name or password with characters that must be percent-encoded');
    expect(output).toContain('/ → %2F, @ → %40, + → %2B');
    expect(output).not.toContain('Zm9v');
  });
});
