import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODERATO_VERSION } from './version';

const root = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** One release number everywhere an admin reads or pins it. */
describe('the release version', () => {
  it("is package.json's, the image label's, the compose tag's and the one the install docs check out", () => {
    expect(JSON.parse(read('package.json')).version).toBe(MODERATO_VERSION);
    expect(read('Dockerfile')).toContain(`org.opencontainers.image.version="${MODERATO_VERSION}"`);
    expect(read('docker-compose.yml')).toContain(`image: moderato:\${MODERATO_VERSION:-${MODERATO_VERSION}}`);
    expect(read('docs/install.md')).toContain(`--branch v${MODERATO_VERSION}`);
  });

  it('has upgrade notes in CHANGELOG.md that name every migration of the release', () => {
    const changelog = read('CHANGELOG.md');
    const section = changelog.split(/^## /m).find((part) => part.startsWith(MODERATO_VERSION)) ?? '';
    expect(section).toMatch(/Upgrade/);
    // Every migration is listed under the release that brought it.
    const migrations = read('migrations/index.ts').match(/\d{13}-[a-z0-9-]+/g) ?? [];
    expect(migrations.length).toBeGreaterThan(10);
    expect(migrations.filter((name) => !changelog.includes(name))).toEqual([]);
  });
});
