import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditModule } from '@moderato/audit';
import { ConfigModule, loadConfig, type AppConfig } from '@moderato/config';
import { CoreModule } from '@moderato/core';
import { DatabaseModule, buildDataSourceOptions, runMigrationsWithLock } from '@moderato/database';
import { IdentityModule, SESSION_COOKIE } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { MeetingsModule } from '@moderato/meetings';
import { PolicyModule } from '@moderato/policy';
import { SCHEMA } from '@moderato/schema';
import { freePort } from '@moderato/testing';

export const ROOT = join(__dirname, '../..');
export const RESULTS_DIR = join(ROOT, 'bench/results');

/** PostgreSQL server (DATABASE_URL's host, any database name) and the benchmarks' own Redis. */
const SERVER_URL = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/moderato';
export const REDIS_URL = process.env.BENCH_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Fixed production secrets for the benchmarks (they need NODE_ENV=production). Not the development
 * defaults: production refuses those (libs/config/src/production-secrets.ts).
 */
export const BENCH_SECRETS = {
  COOKIE_SECRET: 'bench-cookie-secret-not-for-production-0123456789abcdef',
  SECRETS_KEY: Buffer.from('moderato-bench-secrets-key-32byt').toString('base64'),
};

export function databaseUrl(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database `moderato_bench_<name>` (dropped first when it exists). */
export async function freshDatabase(name: string): Promise<string> {
  const database = `moderato_bench_${name}`;
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  });
  const url = databaseUrl(database);
  const dataSource = new DataSource(buildDataSourceOptions(url, SCHEMA, { poolSize: 2 }));
  await dataSource.initialize();
  try {
    await runMigrationsWithLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return url;
}

export async function databaseExists(name: string): Promise<boolean> {
  return admin(async (client) => ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [`moderato_bench_${name}`])).rowCount ?? 0) > 0);
}

/**
 * The environment of the built api/worker in production mode. Sign-in is never exercised
 * (sessions are created through SessionsService), so OIDC_ISSUER points at nothing: discovery
 * happens only at a login. RATE_LIMIT_PER_MINUTE=0, as in the earlier runs, so the figures stay
 * comparable (signed-in joins are limited per session and link, not per address: see BENCHMARKS.md).
 */
export function productionEnv(dbUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl,
    DB_MIGRATE_ON_BOOT: 'false',
    REDIS_URL,
    PUBLIC_URL: 'http://127.0.0.1:3000',
    ...BENCH_SECRETS,
    OIDC_ISSUER: 'http://127.0.0.1:9/realms/bench',
    OIDC_ALLOW_INSECURE_HTTP: 'true',
    OIDC_CLIENT_SECRET: 'bench',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    RATE_LIMIT_PER_MINUTE: '0',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Moderato <moderato@school.test>',
    ...extra,
  };
}

export function configOf(env: Record<string, string>): AppConfig {
  return loadConfig(env);
}

@Module({})
class PrepareModule {}

/**
 * The services the benchmarks prepare their data with (users, sessions, servers, meetings,
 * invitations, audit), on the same configuration as the app under test.
 */
export async function serviceContext(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(
    {
      module: PrepareModule,
      imports: [
        ConfigModule.forRoot({ config }),
        CoreModule.forRoot(),
        DatabaseModule.forRoot(SCHEMA),
        AuditModule,
        PolicyModule,
        IdentityModule,
        JitsiModule,
        MeetingsModule,
      ],
    },
    { logger: ['error', 'warn'] },
  );
  return app;
}

export interface RunningProcess {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<number | null>;
}

/** Starts `node dist/apps/<app>/src/main.js` with `env`; for the api, waits until /healthz answers. */
export async function startBuilt(app: 'api' | 'worker', env: Record<string, string>, waitFor?: (log: string) => boolean): Promise<RunningProcess> {
  const port = app === 'api' ? await freePort() : 0;
  const logFile = join(tmpdir(), `moderato-bench-${app}-${process.pid}-${Date.now()}.log`);
  // The log goes straight to a file, as to journald or docker in production: a pipe read by this
  // (busy) process would fill up and block the app's synchronous log writes.
  const logFd = openSync(logFile, 'w');
  // BENCH_PROFILE=1: the process writes a V8 CPU profile (open it in Chrome DevTools) on exit.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(tmpdir(), 'moderato-bench-profiles')}`] : [];
  // The command of the image, the compose file and the systemd units (docs/install.md): a larger
  // young generation (fewer scavenges) took ~17 % off the api's CPU per join.
  const child: ChildProcess = spawn(process.execPath, [...profile, '--max-semi-space-size=32', join(ROOT, `dist/apps/${app}/src/main.js`)], {
    env: { ...env, PORT: String(port || 3000) },
    cwd: ROOT,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = () => readFileSync(logFile, 'utf8');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}; log: ${logFile}\n${output().slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} did not start within 60 s; log: ${logFile}`);
    }
    if (app === 'api') {
      const ok = await fetch(`${url}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) break;
    } else if (waitFor?.(output())) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid!,
    logFile,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The cookies a browser sends after login: the session (`s:<token>.<HMAC>` as cookie-parser
 * signs it) and the CSRF secret cookie every page visit leaves (derived from the token here, so
 * each person keeps one).
 */
export function sessionCookie(token: string, cookieSecret = BENCH_SECRETS.COOKIE_SECRET): string {
  const signature = createHmac('sha256', cookieSecret).update(token).digest('base64').replace(/=+$/, '');
  const csrf = createHmac('sha256', 'bench-csrf').update(token).digest('base64url');
  return `${SESSION_COOKIE}=${encodeURIComponent(`s:${token}.${signature}`)}; moderato_csrf=${csrf}`;
}

/** Runs `fn` on up to `limit` items at once. */
export async function inParallel<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const index = next++;
        if (index >= items.length) return;
        results[index] = await fn(items[index], index);
      }
    }),
  );
  return results;
}

function postgresVersion(): Promise<string> {
  return admin(async (client) => (await client.query('SHOW server_version')).rows[0].server_version as string);
}

/** Where a figure came from: the machine, its load, the software. */
export async function machine(): Promise<Record<string, unknown>> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: await postgresVersion(),
    commit,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export const loadNow = () => loadavg().map((value) => Math.round(value * 100) / 100);

/** CPU time (user + system, ms) used so far by `pid` and its descendants (Linux /proc). */
export function cpuMsOfTree(pid: number): number {
  const stats = procStats();
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const stat of stats) {
      if (tree.has(stat.ppid) && !tree.has(stat.pid)) {
        tree.add(stat.pid);
        grew = true;
      }
    }
  }
  return stats.filter((stat) => tree.has(stat.pid)).reduce((sum, stat) => sum + stat.cpuMs, 0);
}

/** CPU time (ms) used so far by every PostgreSQL server process on this machine. */
export function cpuMsOfPostgres(): number {
  return procStats()
    .filter((stat) => stat.command === 'postgres')
    .reduce((sum, stat) => sum + stat.cpuMs, 0);
}

function procStats(): { pid: number; ppid: number; command: string; cpuMs: number }[] {
  const ticks = 100; // USER_HZ on Linux
  const stats = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid … utime(14) stime(15): comm may contain spaces, so split after ')'.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    stats.push({
      pid: Number(entry),
      ppid: Number(fields[1]),
      command: text.slice(text.indexOf('(') + 1, close),
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks,
    });
  }
  return stats;
}

/** Prints rows as an aligned text table. */
export function printTable(title: string, rows: Record<string, string | number>[]): string {
  if (!rows.length) return '';
  const columns = Object.keys(rows[0]);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const text = [
    `\n${title}`,
    line(columns),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((row) => line(columns.map((c) => String(row[c] ?? '')))),
  ].join('\n');
  console.log(text);
  return text;
}

/** Writes bench/results/<name>.json (the latest run; committed with the figures in BENCHMARKS.md). */
export function writeResults(name: string, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // BENCH_LABEL=before: bench/results/<name>-before.json (e.g. a run on an older commit).
  const file = join(RESULTS_DIR, `${name}${process.env.BENCH_LABEL ? `-${process.env.BENCH_LABEL}` : ''}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  return file;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function step(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}
