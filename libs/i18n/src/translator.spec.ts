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

  it("picks the plural variant by the language's rules from a numeric count", () => {
    const en = translator('en');
    const de = translator('de');
    expect(en('admin.count.servers', { count: 1, enabled: 1 })).toBe('1 server, 1 enabled');
    expect(en('admin.count.servers', { count: 2, enabled: 1 })).toBe('2 servers, 1 enabled');
    expect(en('admin.count.sessions', { count: 0 })).toBe('0 active sessions');
    expect(de('admin.count.sessions', { count: 1 })).toBe('1 aktive Sitzung');
    expect(de('admin.count.sessions', { count: 3 })).toBe('3 aktive Sitzungen');
    // Flash params come back from a cookie as text.
    expect(en('flash.userSessionsRevoked', { count: '1' })).toBe('1 session was signed out.');
    expect(de('flash.userSessionsRevoked', { count: '2' })).toBe('2 Sitzungen wurden abgemeldet.');
    // No count, or not a number: the general form.
    expect(en('admin.count.sessions', { count: 'many' })).toBe('many active sessions');
  });
});
