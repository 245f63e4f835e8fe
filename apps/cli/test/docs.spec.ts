import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The operator's guide links its pages to each other and to sections (#anchors): a renamed
// heading or page must not leave a dead link behind.
const root = join(__dirname, '../../..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string) => {
  const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1])));
};

describe('the documentation', () => {
  it('has the operator pages, linked from the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const page of ['getting-started', 'install', 'jitsi', 'identity', 'configuration', 'troubleshooting']) {
      expect(existsSync(join(root, `docs/${page}.md`))).toBe(true);
      expect(readme).toContain(`](docs/${page}.md)`);
    }
  });

  it.each(pages)('%s: every relative link and #anchor leads somewhere', (page) => {
    const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const dead: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
      const [path, anchor] = target.split('#');
      const file = path ? resolve(dirname(join(root, page)), path) : join(root, page);
      if (!existsSync(file)) dead.push(target);
      else if (anchor && file.endsWith('.md') && !anchorsOf(file.slice(root.length + 1)).has(anchor)) dead.push(target);
    }
    expect(dead).toEqual([]);
  });
});
