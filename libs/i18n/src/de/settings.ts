import type { Translation } from '../translator';
import type { settings as en } from '../en/settings';

/** Die Seite Einstellungen und wie Zeiten ihre Zeitzone nennen (Schlüssel settings.*, time.*). */
export const settings: Translation<typeof en> = {
  'settings.nav': 'Einstellungen',
  'settings.title': 'Einstellungen',
  'settings.lead': 'Wie Moderato mit Ihnen spricht: Ihre Sprache und die Zeitzone, in der alle Zeiten angezeigt werden.',
  'settings.general': 'Sprache und Zeitzone',
  'settings.locale': 'Sprache',
  'settings.timezone': 'Zeitzone',
  'settings.timezone.hint':
    'Tippen Sie einen Ort, etwa Europe/Berlin oder America/New_York. Besprechungen behalten ihre eigene Zeitzone; Sie sehen ihre Zeiten in Ihrer.',
  'settings.timezone.source.idp': 'Von Ihrem Anmeldekonto übernommen.',
  'settings.timezone.source.browser': 'Beim ersten Besuch von Ihrem Browser übernommen.',
  'settings.timezone.source.chosen': 'Von Ihnen gewählt.',
  'settings.timezone.source.organisation': 'Die Vorgabe Ihrer Organisation: Sie haben noch keine gewählt.',
  'settings.saved': 'Ihre Einstellungen sind gespeichert.',
  'time.zone': 'Ortszeit {city}',
  'time.yours': 'Ihre Zeit: {time}',
  'time.policy.defaultTimezone': 'Standard-Zeitzone',
  'time.policy.defaultTimezone.hint':
    'In dieser Zeitzone sehen Personen die Zeiten, deren Zeitzone noch nicht bekannt ist (weder vom Anmeldekonto noch vom Browser). Vorgabe der Umgebung: {value}',
};
