// The one i18n of the pages and the mail: languages, catalogs (en/, de/) and their translators.
export { LOCALES, isLocale, negotiateLocale } from './locales';
export { mailTranslator, translator, type MailKey, type MailTranslate, type MessageKey, type Translate } from './catalogs';
export { fillPlaceholders, type TextParams, type Translator } from './translator';
