import type { Locale } from '@moderato/config';

/** Values for a text's `{name}` placeholders. */
export type TextParams = Record<string, string | number>;

/** Texts of one catalog (the pages', the mail's) in one language, by key. */
export type Translator<K extends string> = (key: K, params?: TextParams) => string;

/** Another language's part of a catalog: exactly the keys of the English part (`Translation<typeof en>`). */
export type Translation<T> = Record<keyof T, string>;

/** `{name}` placeholders filled from `params` (values inserted as given); unknown names stay as written. */
export function fillPlaceholders(text: string, params?: TextParams): string {
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

/**
 * The key's variant for a number (`key.one`, `key.few`, …, by the language's plural rules) when
 * the catalog has one; the key itself is the general form ("{count} servers"), so a language
 * that needs no variant, or lacks one, still reads correctly for most numbers.
 */
function pluralKey(catalog: Record<string, string>, rules: Intl.PluralRules, key: string, params?: TextParams): string {
  // Flash messages carry their params as text through a cookie: "3" counts as 3.
  const count = typeof params?.count === 'string' && /^\d+$/.test(params.count) ? Number(params.count) : params?.count;
  if (typeof count !== 'number') return key;
  const variant = `${key}.${rules.select(count)}`;
  return variant in catalog ? variant : key;
}

/**
 * The translator of one catalog for a language. A key a language lacks falls back to English,
 * then to the key itself (catalogs.spec.ts keeps either from happening). A numeric `count`
 * param picks the key's plural variant (`servers.count.one`: "{count} server"), if it has one.
 */
export function translatorOf<K extends string>(catalogOf: (locale: Locale) => Record<K, string>): (locale: Locale) => Translator<K> {
  return (locale) => {
    const catalog: Record<string, string> = catalogOf(locale);
    const english: Record<string, string> = catalogOf('en');
    const rules = new Intl.PluralRules(locale);
    const englishRules = new Intl.PluralRules('en');
    return (key, params) => {
      const own = catalog[key] === undefined ? undefined : catalog[pluralKey(catalog, rules, key, params)];
      const text = own ?? (english[key] === undefined ? undefined : english[pluralKey(english, englishRules, key, params)]);
      return fillPlaceholders(text ?? key, params);
    };
  };
}
