import { isLocale, LOCALES, negotiateLocale } from './locales';

describe('negotiateLocale', () => {
  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,fr;q=0.9,de;q=0.5,en;q=0.4', 'de'],
    ['en;q=0.2,de;q=0.8', 'de'],
    ['fr, es', undefined],
    ['de;q=0, en', 'en'],
    ['', undefined],
    [undefined, undefined],
    ['*', undefined],
  ])('%s → %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});

describe('isLocale', () => {
  it('knows the languages of LOCALES and nothing else', () => {
    expect(LOCALES).toEqual(['en', 'de']);
    expect(LOCALES.every(isLocale)).toBe(true);
    expect(['fr', 'EN', '', undefined, 1].some(isLocale)).toBe(false);
  });
});
