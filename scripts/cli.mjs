#!/usr/bin/env node
// `npm run moderato -- …` and `npm run doctor` from a source checkout: builds first when dist/ is
// missing or older than the sources (a fresh clone, or a pull since the last build), then runs the
// CLI. An installed image runs `moderato` directly and never gets here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/apps/cli/src/main.js');

/** The newest modification time of the TypeScript sources the CLI is built from. */
function newestSource(dir, newest = 0) {
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    if (item.name === 'node_modules' || item.name === 'test') continue;
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = newestSource(path, newest);
    else if (item.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(item.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(...['apps', 'libs', 'migrations'].map((dir) => newestSource(join(root, dir))), statSync(join(root, 'tsconfig.build.json')).mtimeMs);
if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
  process.stderr.write(existsSync(entry) ? 'moderato: sources changed since the last build; building…\n' : 'moderato: no build yet; building…\n');
  // Without `rm -rf dist` (a running `npm run dev` keeps its files); the alias hook resolves @moderato/*.
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) {
    process.stderr.write('moderato: the build failed (above); fix it or run `npm run build` to see why.\n');
    process.exit(tsc.status ?? 1);
  }
  spawnSync(process.execPath, [join(root, 'scripts/copy-assets.mjs')], { cwd: root, stdio: 'inherit' });
}
const run = spawnSync(process.execPath, ['-r', join(root, 'scripts/alias-hook.cjs'), entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
