import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Conventions of the code base a reviewer would otherwise have to remember (DEVELOPMENT.md).
const root = join(__dirname, '../../..');

/** Every non-test .ts file under apps/<app>/src and libs/<lib>/src, relative to the root. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name)) files.push(relative(root, path).split('\\').join('/'));
    }
  };
  for (const top of ['apps', 'libs']) {
    for (const pkg of readdirSync(join(root, top))) {
      const src = join(root, top, pkg, 'src');
      try {
        if (statSync(src).isDirectory()) walk(src);
      } catch {
        // a package without src/
      }
    }
  }
  return files;
}

const MAX_LINES = 350;

describe('code conventions', () => {
  const files = sourceFiles();

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(200);
  });

  it(`no source file is longer than ${MAX_LINES} lines unless it says why ("longer than ${MAX_LINES} lines because …")`, () => {
    const long = files.filter((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return text.split('\n').length > MAX_LINES && !new RegExp(`longer than ${MAX_LINES} lines because`, 'i').test(text);
    });
    expect(long).toEqual([]);
  });

  it('every DTO class lives in a dto/ folder, in a *.dto.ts file (a lib’s for what its services take, the api’s for a form only it reads)', () => {
    const misplaced = files.filter((file) => !/\/dto\/[^/]+\.dto\.ts$/.test(file) && /^\s*export class \w+Dto\b/m.test(readFileSync(join(root, file), 'utf8')));
    expect(misplaced).toEqual([]);
  });

  it('dto/ folders hold only DTO files', () => {
    expect(files.filter((file) => /\/dto\//.test(file) && !/\.dto\.ts$/.test(file) && !file.endsWith('/index.ts'))).toEqual([]);
  });

  it('only stores (*.store.ts) name a named prepared statement', () => {
    const outside = files.filter((file) => !file.endsWith('.store.ts') && /namedStatement\(\s*'moderato_/.test(readFileSync(join(root, file), 'utf8')));
    expect(outside).toEqual([]);
  });
});
