import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built CLI (`npm test` builds first), run as an operator runs it. */
export const CLI = join(__dirname, '../../../dist/apps/cli/src/main.js');

/** A folder without a .env file, so only the given environment counts. */
const CWD = mkdtempSync(join(tmpdir(), 'moderato-cli-'));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
}

/** `node dist/apps/cli/src/main.js <args>` with exactly `env` (plus PATH); resolves when it exits. */
export function runCli(args: string[], env: Record<string, string>, options: { stdin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: CWD, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`moderato ${args.join(' ')} did not exit within ${options.timeoutMs ?? 25_000} ms:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 25_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The doctor's report lines (✔/✖/!/– …), without the fix lines and the summary. */
export const checkLines = (stdout: string) =>
  stdout.split('\n').filter((line) => /^[✔✖!–] /.test(line) && !/^[✔✖] (All \d+ checks fine|\d+ problems? found)/.test(line));
