import type { Locale } from '@moderato/config';
import * as de from './de';
import * as en from './en';
import { translatorOf, type Translator } from './translator';

/** The pages' keys (one type for every area) and the mail's. */
export type MessageKey = keyof typeof en.pages;
export type MailKey = keyof typeof en.mail;
export type Translate = Translator<MessageKey>;
export type MailTranslate = Translator<MailKey>;

type PageArea = keyof typeof en.pageAreas;

/** One language: the pages' catalog by area and merged, and the mail's catalog. */
export interface LanguageCatalogs {
  pageAreas: Record<PageArea, Record<string, string>>;
  pages: Record<MessageKey, string>;
  mail: Record<MailKey, string>;
}

/** Every language's catalogs; a new language is added here (and to `Locale` in libs/config). */
export const CATALOGS: Record<Locale, LanguageCatalogs> = { en, de };

/** The pages' translator for one language (`t` in every view). */
export const translator: (locale: Locale) => Translate = translatorOf((locale) => CATALOGS[locale].pages);

/** The mail's translator for one language (libs/mail's templates). */
export const mailTranslator: (locale: Locale) => MailTranslate = translatorOf((locale) => CATALOGS[locale].mail);
