import { mailTranslator, translator } from './catalogs';
import { fillPlaceholders, translatorOf } from './translator';

describe('translator', () => {
  it('fills placeholders', () => {
    expect(translator('en')('nav.signedInAs', { name: 'Ada' })).toBe('Signed in as Ada');
    expect(translator('de')('nav.signedInAs', { name: 'Ada' })).toBe('Angemeldet als Ada');
    expect(mailTranslator('en')('support', { contact: 'it@school.test' })).toBe('Questions? Contact it@school.test.');
    expect(mailTranslator('de')('support', { contact: 'it@school.test' })).toBe('Fragen? Wenden Sie sich an it@school.test.');
  });

  it('inserts values as given and leaves unknown placeholders as written', () => {
    expect(fillPlaceholders('{a} and {b}, {a}', { a: '<{b}>', count: 2 })).toBe('<{b}> and {b}, <{b}>');
    expect(fillPlaceholders('{count} left', { count: 0 })).toBe('0 left');
    expect(fillPlaceholders('{a}')).toBe('{a}');
  });

  it('falls back to English, then to the key', () => {
    const t = translatorOf<'a' | 'b' | 'c'>((locale) => (locale === 'en' ? { a: 'A', b: 'B {x}', c: '' } : ({ a: 'Ä' } as never)));
    expect(t('de')('a')).toBe('Ä');
    expect(t('de')('b', { x: 1 })).toBe('B 1');
    expect(t('de')('c')).toBe('');
    expect(translator('de')('no.such.key' as never)).toBe('no.such.key');
  });
});
