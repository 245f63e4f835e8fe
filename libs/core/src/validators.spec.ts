import { findUnsafeText, isUnsafeText, nestingDepthExceeds, parsePageNumber } from './validators';

describe('input checks shared by the global pipe and forms', () => {
  it('NUL and unpaired surrogates are unsafe; pairs (emoji) and ordinary text are not', () => {
    for (const text of ['a\u0000b', '\ud800', 'x\udc00', 'end\ud83d']) expect({ text, unsafe: isUnsafeText(text) }).toEqual({ text, unsafe: true });
    for (const text of ['', 'Grüße 📐', 'Zoë \ud83d\ude00']) expect({ text, unsafe: isUnsafeText(text) }).toEqual({ text, unsafe: false });
  });

  it('names every unsafe string by its path, keys included, once each', () => {
    const errors = findUnsafeText({ title: 'ok', invitees: [{ email: 'a@b.test' }, { name: 'x\u0000', email: '\ud800' }], 'k\u0000': 1 });
    expect(errors.map((error) => error.field).sort()).toEqual(['invitees.1.email', 'invitees.1.name', 'k\\u0000']);
    expect(errors.find((error) => error.field === 'invitees.1.name')?.messages).toEqual([
      'invitees.1.name must not contain NUL characters or unpaired UTF-16 surrogates',
    ]);
    expect(findUnsafeText('a\u0000', 'q')).toEqual([{ field: 'q', messages: ['q must not contain NUL characters or unpaired UTF-16 surrogates'] }]);
    expect(findUnsafeText({ a: ['fine'] })).toEqual([]);
  });

  it('page numbers are whole numbers from 1 to 100000; nothing is page 1', () => {
    expect([undefined, '', '1', ' 7 ', '100000'].map(parsePageNumber)).toEqual([1, 1, 1, 7, 100000]);
    expect(['0', '-1', 'abc', '1.5', '1e3', '100001', '99999999999999999999', ['1', '2'], { a: '1' }].map(parsePageNumber)).toEqual(Array(9).fill(undefined));
  });

  it('measures nesting without recursion', () => {
    expect(nestingDepthExceeds({ invitees: [{ email: 'a' }] })).toBe(false);
    expect(nestingDepthExceeds(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toBe(true);
    expect(nestingDepthExceeds('text')).toBe(false);
  });
});
