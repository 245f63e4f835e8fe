import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The repository stands on its own: no file may send its reader to a document that is not in it
// (the design notes and token notes the project started from). What they said lives in docs/.
const root = join(__dirname, '../../..');
// Case-sensitive, and a name must stand on its own: docs/jitsi-tokens.md is ours. The names are
// put together from parts, so that this file does not itself contain the references it looks for.
const SHARED = ['sha', 'red'].join('');
const NOTES = ['TOK' + 'ENS', 'DES' + 'IGN', 'STY' + 'LE'].join('|');
const OUTSIDE = new RegExp(`${SHARED}/|(?<![\\w-])(${NOTES})\\.md|STACK-${'NOTES'}|${SHARED} folder`);
const self = relative(root, __filename).split('\\').join('/');

describe('the repository is self-contained', () => {
  it('no tracked file refers to a document outside the repository', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter((file) => file && file !== self && !/(^|\/)(node_modules|dist)\//.test(file) && !file.endsWith('package-lock.json'));
    expect(files.length).toBeGreaterThan(100);
    const offending: string[] = [];
    for (const file of files) {
      const path = join(root, file);
      if (!existsSync(path) || !statSync(path).isFile()) continue;
      const content = readFileSync(path);
      if (content.includes(0)) continue; // binary
      content
        .toString('utf8')
        .split('\n')
        .forEach((line, index) => {
          if (OUTSIDE.test(line)) offending.push(`${file}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });
});
