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
 * The translator of one catalog for a language. A key a language lacks falls back to English,
 * then to the key itself (catalogs.spec.ts keeps either from happening).
 */
export function translatorOf<K extends string>(catalogOf: (locale: Locale) => Record<K, string>): (locale: Locale) => Translator<K> {
  return (locale) => {
    const catalog = catalogOf(locale);
    const english = catalogOf('en');
    return (key, params) => fillPlaceholders(catalog[key] ?? english[key] ?? key, params);
  };
}
