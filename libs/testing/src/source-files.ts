import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository's root (libs/testing/src → ../../..). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * Every non-test .ts file under apps/<app>/src and libs/<lib>/src, relative to the repository
 * root with forward slashes: what tests that check the code's conventions read.
 */
export function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name)) files.push(relative(REPO_ROOT, path).split('\\').join('/'));
    }
  };
  for (const top of ['apps', 'libs']) {
    for (const pkg of readdirSync(join(REPO_ROOT, top))) {
      const src = join(REPO_ROOT, top, pkg, 'src');
      try {
        if (statSync(src).isDirectory()) walk(src);
      } catch {
        // a package without src/
      }
    }
  }
  return files;
}
