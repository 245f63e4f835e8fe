import { safeReturnTo } from './safe-redirect';

describe('safeReturnTo', () => {
  it.each([
    ['/meetings', '/meetings'],
    ['/j/abc?x=1#top', '/j/abc?x=1#top'],
    ['/', '/'],
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
