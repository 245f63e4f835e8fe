import type { Translation } from '../translator';
import type { mail as en } from '../en/mail';

export const mail: Translation<typeof en> = {
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
