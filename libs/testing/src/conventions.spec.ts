import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT as root, sourceFiles } from './source-files';

// Conventions of the code base a reviewer would otherwise have to remember (DEVELOPMENT.md).

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
