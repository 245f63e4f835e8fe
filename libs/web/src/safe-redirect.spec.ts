import { safeReturnTo } from './safe-redirect';

describe('safeReturnTo', () => {
  it.each([
    ['/meetings', '/meetings'],
    ['/j/abc?x=1#top', '/j/abc?x=1#top'],
    ['/', '/'],
    ['/meetings/./new', '/meetings/new'],
    ['/a/../meetings?q=a%20b', '/meetings?q=a%20b'],
  ])('keeps the relative path %s', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    'meetings',
    '/%0d%0aSet-Cookie:x',
    '/\tevil',
    // Dot segments that resolve to "//host": normalise first, then decide.
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example',
    '/./\\evil.example',
    '/%5Cevil.example',
    '/%2F/evil.example',
    '/%2e%2e/%2f%2fevil.example',
    '/%E0%A4%A',
    '',
    undefined,
    42,
  ])('refuses %p and falls back to /', (input) => {
    const result = safeReturnTo(input);
    expect(result.startsWith('/')).toBe(true);
    expect(result.startsWith('//')).toBe(false);
    expect(new URL(result, 'http://moderato.test').origin).toBe('http://moderato.test');
  });

  it('falls back to the given default', () => {
    expect(safeReturnTo('https://evil.example', '/dashboard')).toBe('/dashboard');
  });
});

describe('safeReturnTo never answers a path that leaves the site', () => {
  it.each(['/.//evil.example', '/a/..//evil.example', '/%2e//evil.example', '/a/b/../..//evil.example/x?y=1'])('%s becomes the fallback', (input) => {
    expect(safeReturnTo(input)).toBe('/');
  });
});
