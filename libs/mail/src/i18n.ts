import type { Locale } from '@moderato/config';

/** Mail strings. `{name}` placeholders are filled by `mailText`. Same keys in every language. */
export const MAIL_EN = {
  'invite.subject': 'Invitation: {title}',
  'invite.intro': '{organizer} invites you to "{title}".',
  'update.subject': 'Updated: {title}',
  'update.intro': '{organizer} has changed "{title}". Please note the new details below.',
  'cancel.subject': 'Cancelled: {title}',
  'cancel.intro': '{organizer} has cancelled "{title}".',
  'cancel.body': 'The meeting will not take place. Your personal link no longer works for it.',
  'cancel.occurrence': 'Only this date is cancelled: {when}',
  'reminder.subject': 'Reminder: {title}',
  'reminder.intro': 'Reminder: "{title}" by {organizer} starts soon.',
  'label.when': 'When',
  'label.series': 'Repeats',
  'label.description': 'About',
  'label.role': 'Your role',
  'role.moderator': 'Moderator',
  'role.participant': 'Participant',
  'link.intro': 'Your personal link (sign in when asked):',
  'link.button': 'Join the meeting',
  'link.personal': 'This link is meant for you only ({email}). Please do not forward it.',
  'series.text': 'This is a recurring meeting; every date is in the attached calendar entry.',
  'ics.hint': 'The attached calendar entry adds or updates the meeting in your calendar.',
  footer: 'Sent by {product} on behalf of {organizer}.',
  support: 'Questions? Contact {contact}.',
} as const;

export type MailKey = keyof typeof MAIL_EN;

export const MAIL_DE: Record<MailKey, string> = {
  'invite.subject': 'Einladung: {title}',
  'invite.intro': '{organizer} lädt Sie zu „{title}“ ein.',
  'update.subject': 'Geändert: {title}',
  'update.intro': '{organizer} hat „{title}“ geändert. Bitte beachten Sie die neuen Angaben unten.',
  'cancel.subject': 'Abgesagt: {title}',
  'cancel.intro': '{organizer} hat „{title}“ abgesagt.',
  'cancel.body': 'Der Termin findet nicht statt. Ihr persönlicher Link gilt dafür nicht mehr.',
  'cancel.occurrence': 'Nur dieser Termin ist abgesagt: {when}',
  'reminder.subject': 'Erinnerung: {title}',
  'reminder.intro': 'Erinnerung: „{title}“ von {organizer} beginnt bald.',
  'label.when': 'Wann',
  'label.series': 'Wiederholung',
  'label.description': 'Worum es geht',
  'label.role': 'Ihre Rolle',
  'role.moderator': 'Moderation',
  'role.participant': 'Teilnahme',
  'link.intro': 'Ihr persönlicher Link (melden Sie sich an, wenn Sie gefragt werden):',
  'link.button': 'Am Termin teilnehmen',
  'link.personal': 'Dieser Link ist nur für Sie ({email}) bestimmt. Bitte nicht weitergeben.',
  'series.text': 'Dies ist ein Serientermin; alle Termine stehen im angehängten Kalendereintrag.',
  'ics.hint': 'Der angehängte Kalendereintrag trägt den Termin in Ihren Kalender ein oder aktualisiert ihn.',
  footer: 'Gesendet von {product} im Auftrag von {organizer}.',
  support: 'Fragen? Wenden Sie sich an {contact}.',
};

const CATALOGS: Record<Locale, Record<MailKey, string>> = { en: MAIL_EN, de: MAIL_DE };

export const MAIL_LOCALES: readonly Locale[] = ['en', 'de'];

export function isMailLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (MAIL_LOCALES as readonly string[]).includes(value);
}

/** The text for `key` in `locale`, `{name}` placeholders filled (values inserted as given). */
export function mailText(locale: Locale, key: MailKey, params: Record<string, string> = {}): string {
  const text = CATALOGS[locale][key] ?? MAIL_EN[key];
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? params[name] : match));
}
