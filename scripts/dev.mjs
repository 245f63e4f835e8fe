#!/usr/bin/env node
// `npm run dev`: everything a newcomer needs on a machine with PostgreSQL and Redis running.
// Creates the database if needed, compiles in watch mode, and once the first build is done runs:
//   api (migrates at boot), worker, the development identity provider (apps/dev-idp, demo users),
//   the development Jitsi stand-in (apps/dev-jitsi, registered as a Jitsi server), a mail catcher
//   with a web inbox, and the TypeScript compiler.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, watch } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Client } = require('pg');

const fromFile = existsSync(join(root, '.env')) ? parseEnv(readFileSync(join(root, '.env'), 'utf8')) : {};
const env = { NODE_ENV: 'development', ...fromFile, ...process.env };
const databaseUrl = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/moderato';
const publicUrl = (env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
env.PUBLIC_URL = publicUrl; // links in mails, the IdP's redirect URI and the api agree with PORT
const mailWebPort = env.DEV_MAIL_WEB_PORT || '1080';
const mailSmtpPort = env.DEV_MAIL_SMTP_PORT || '1025';
env.SMTP_URL ||= `smtp://127.0.0.1:${mailSmtpPort}`;

const jitsiUrl = env.DEV_JITSI_URL || 'http://localhost:8000';
const colors = { tsc: 90, api: 36, worker: 35, idp: 34, mail: 33, jitsi: 31, dev: 32 };
const say = (name, line) => process.stdout.write(`\x1b[${colors[name] ?? 0}m${name.padEnd(6)}\x1b[0m ${line}\n`);

async function ensureDatabase() {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (error) {
    say('dev', `PostgreSQL is not reachable at ${url.host} (${error.message}). Start it, or set DATABASE_URL in .env.`);
    process.exit(1);
  }
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    say('dev', `created database ${name}`);
  }
  await client.end();
}

const children = [];
const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_COLORS = { 40: 33, 50: 31, 60: 31 };
// Nest's start-up chatter (modules wired, every route mapped) is debug-level noise here.
const CHATTY = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);
const verbose = ['debug', 'trace'].includes(String(env.LOG_LEVEL).toLowerCase());

/**
 * One readable line for a JSON log line of the api or worker (they log JSON, the production
 * format): time, level, context, message, and for a request its method, path, status and time.
 * Returns null for lines to leave out; other output passes unchanged.
 */
function readable(line) {
  if (!line.startsWith('{')) return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry.level !== 'number' || !('msg' in entry)) return line;
  if (CHATTY.has(entry.context) && entry.level <= 30 && !verbose) return null;
  const time = new Date(entry.time ?? Date.now()).toTimeString().slice(0, 8);
  const level = (LEVELS[entry.level] ?? String(entry.level)).toUpperCase().padEnd(5);
  const tinted = LEVEL_COLORS[entry.level] ? `\x1b[${LEVEL_COLORS[entry.level]}m${level}\x1b[0m` : level;
  let text = entry.msg;
  if (entry.req && entry.res) {
    text = `${entry.req.method} ${entry.req.url} → ${entry.res.statusCode}${entry.responseTime !== undefined ? ` ${entry.responseTime} ms` : ''}`;
  }
  const skip = new Set(['level', 'time', 'pid', 'hostname', 'app', 'context', 'msg', 'req', 'res', 'responseTime', 'reqId']);
  const rest = Object.entries(entry).filter(([key]) => !skip.has(key));
  const details = rest.length
    ? ` \x1b[90m${rest.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ')}\x1b[0m`
    : '';
  return `${time} ${tinted} ${entry.context ? `[${entry.context}] ` : ''}${text}${details}`;
}

function start(name, command, args, onLine) {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pipe = (stream) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        if (!line.trim()) continue;
        onLine?.(line);
        const shown = readable(line);
        if (shown !== null) say(name, shown);
      }
    });
  };
  pipe(child.stdout);
  pipe(child.stderr);
  child.on('exit', (code, signal) => say(name, `exited (${signal ?? code})`));
  children.push(child);
  return child;
}

function copyAssetsOnChange() {
  for (const dir of ['views', 'public']) {
    const source = join(root, 'apps/api', dir);
    watch(source, { recursive: true }, () => cpSync(source, join(root, 'dist/apps/api', dir), { recursive: true }));
  }
}

async function waitFor(url) {
  for (let i = 0; i < 120; i += 1) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

await ensureDatabase();
say('dev', 'compiling…');
const bin = (name) => join(root, 'node_modules/.bin', name);
// The compiler in watch mode does the first build itself; the processes start only once it is
// done, so that no process restarts on that build's output (a sign-in begun as soon as the URLs
// are printed must not meet a restarting api or identity provider).
rmSync(join(root, 'dist'), { recursive: true, force: true });
let firstBuild;
const compiled = new Promise((resolve) => (firstBuild = resolve));
start('tsc', bin('tsc'), ['-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], (line) => {
  const done = /Found (\d+) errors?\. Watching for file changes/.exec(line);
  if (done) firstBuild(Number(done[1]));
});
const errors = await compiled;
if (errors > 0) say('dev', `the first build has ${errors} type error(s) (above); starting anyway`);
spawnSync(process.execPath, [join(root, 'scripts/copy-assets.mjs')], { cwd: root, stdio: 'inherit' });
const hook = ['--watch', '-r', join(root, 'scripts/alias-hook.cjs')];
start('api', process.execPath, [...hook, 'dist/apps/api/src/main.js']);
start('idp', process.execPath, [...hook, 'dist/apps/dev-idp/src/main.js']);
start('mail', bin('maildev'), ['--smtp', mailSmtpPort, '--web', mailWebPort, '--ip', '127.0.0.1', '--web-ip', '127.0.0.1']);
copyAssetsOnChange();

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 1500).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const issuer = (env.OIDC_ISSUER || 'http://localhost:4000').replace(/\/+$/, '');
const apiReady = await waitFor(`http://127.0.0.1:${env.PORT || 3000}/readyz`);
// The worker starts once the api is up, i.e. has applied the migrations (as in docker-compose.yml):
// on a new database it would otherwise query tables that do not exist yet. So does the Jitsi
// stand-in, which registers itself as a Jitsi server in that database.
start('worker', process.execPath, [...hook, 'dist/apps/worker/src/main.js']);
start('jitsi', process.execPath, [...hook, 'dist/apps/dev-jitsi/src/main.js']);
const ready =
  apiReady &&
  (await waitFor(`${jitsiUrl.replace('localhost', '127.0.0.1')}/healthz`)) &&
  (await waitFor(`${issuer.replace('localhost', '127.0.0.1')}/.well-known/openid-configuration`)) &&
  (await waitFor(`http://127.0.0.1:${mailWebPort}/`));
if (ready) {
  say('dev', '');
  say('dev', `Moderato      ${publicUrl}`);
  say('dev', `Mail inbox    http://localhost:${mailWebPort}   (SMTP on 127.0.0.1:${mailSmtpPort})`);
  say('dev', `Jitsi         ${jitsiUrl}   (development stand-in: judges tokens as Jitsi would, shows who is in each room)`);
  say('dev', `Sign in as    teacher@school.test / teacher, student@school.test / student, admin@school.test / admin`);
  say('dev', `Health        ${publicUrl}/readyz`);
  say('dev', 'Press Ctrl-C to stop everything.');
} else {
  say('dev', 'the api, the identity provider, the Jitsi stand-in or the mail catcher did not become ready within a minute: see their lines above');
}
