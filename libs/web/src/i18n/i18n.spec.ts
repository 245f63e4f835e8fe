import { de } from './de';
import { en } from './en';
import { negotiateLocale, translator } from './i18n';

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

describe('translator', () => {
  it('fills placeholders', () => {
    expect(translator('en')('nav.signedInAs', { name: 'Ada' })).toBe('Signed in as Ada');
    expect(translator('de')('nav.signedInAs', { name: 'Ada' })).toBe('Angemeldet als Ada');
  });

  it('has a German text for every English key, and none left untranslated by accident', () => {
    const missing = Object.keys(en).filter((key) => !(de as Record<string, string>)[key]?.trim());
    expect(missing).toEqual([]);
    // Words that are the same in both languages.
    const sameOnPurpose = [
      'servers.name',
      'servers.status',
      'inspector.token',
      'inspector.header',
      'meeting.invitee.status',
      'meeting.invitee.name',
      'admin.user.name',
    ];
    const same = Object.keys(en).filter((key) => (en as Record<string, string>)[key] === (de as Record<string, string>)[key]);
    expect(same.filter((key) => !sameOnPurpose.includes(key))).toEqual([]);
  });
});
