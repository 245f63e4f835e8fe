import { CATALOGS } from './catalogs';
import { LOCALES } from './locales';

/**
 * The test that keeps the catalogs complete: every language has exactly the English keys, in the
 * same area, each with a text of its own and the same placeholders.
 */
const others = LOCALES.filter((locale) => locale !== 'en');
const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();

/** The parts of a language's catalogs, by name: the pages' areas and the mail. */
function partsOf(locale: (typeof LOCALES)[number]): Record<string, Record<string, string>> {
  const { pageAreas, mail } = CATALOGS[locale];
  return { ...Object.fromEntries(Object.entries(pageAreas).map(([area, part]) => [`pages/${area}`, part])), mail };
}

/** Words that are the same in English and another language, on purpose. */
const SAME_ON_PURPOSE: Record<string, string[]> = {
  de: ['servers.name', 'servers.status', 'inspector.token', 'inspector.header', 'meeting.invitee.status', 'meeting.invitee.name', 'admin.user.name'],
};

describe('the catalogs', () => {
  it('every language is registered', () => {
    expect(Object.keys(CATALOGS).sort()).toEqual([...LOCALES].sort());
  });

  it('a page key lives in one area only, and the merged catalog is the areas', () => {
    for (const locale of LOCALES) {
      const areas = Object.values(CATALOGS[locale].pageAreas);
      const keys = areas.flatMap((area) => Object.keys(area));
      expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
      expect(Object.assign({}, ...areas)).toEqual(CATALOGS[locale].pages);
    }
  });

  it('English has a text for every key', () => {
    for (const [name, part] of Object.entries(partsOf('en'))) expect([name, Object.keys(part).filter((key) => !part[key].trim())]).toEqual([name, []]);
  });

  describe.each(others)('%s', (locale) => {
    const reference = partsOf('en');
    const parts = partsOf(locale);

    it('has exactly the English keys, area by area', () => {
      expect(Object.keys(parts).sort()).toEqual(Object.keys(reference).sort());
      for (const [name, part] of Object.entries(reference)) expect([name, Object.keys(parts[name]).sort()]).toEqual([name, Object.keys(part).sort()]);
    });

    it('has a text of its own for every key, none left untranslated by accident', () => {
      for (const [name, part] of Object.entries(reference)) {
        const translated = parts[name];
        expect([name, Object.keys(part).filter((key) => !translated[key]?.trim())]).toEqual([name, []]);
        const same = Object.keys(part).filter((key) => part[key] === translated[key] && !(SAME_ON_PURPOSE[locale] ?? []).includes(key));
        expect([name, same]).toEqual([name, []]);
      }
    });

    it('has the same placeholders as English in every text', () => {
      for (const [name, part] of Object.entries(reference)) {
        const differing = Object.keys(part).filter((key) => placeholders(part[key]).join() !== placeholders(parts[name][key] ?? '').join());
        expect([name, differing]).toEqual([name, []]);
      }
    });
  });
});
