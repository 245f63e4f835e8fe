import type { Translation } from '../translator';
import type { meetingForm as en } from '../en/meeting-form';

export const meetingForm: Translation<typeof en> = {
  'meetingForm.timezone.hint': 'Zum Suchen tippen (zum Beispiel Berlin oder New York). Jede Zone zeigt ihren aktuellen Abstand zu UTC.',
  'meetingForm.preview.firstDate': 'Erster Termin: {date}',
  'meetingForm.preview.date': 'Termin: {date}',
  'meetingForm.preview.moved': 'Die Regel trifft nicht auf {requested} zu: Die Serie beginnt am ersten Datum, auf das sie zutrifft.',
  'meetingForm.list.participants': 'Teilnehmende, Zeile {line}: {text} — {message}',
  'meetingForm.list.moderators': 'Ko-Moderation, Zeile {line}: {text} — {message}',
  'meetingForm.list.csv': 'CSV, Zeile {line}: {text} — {message}',
  'meetingForm.problem.email': 'keine gültige E-Mail-Adresse',
  'meetingForm.problem.twice': '{email} steht zweimal in der Liste',
  'meetingForm.problem.role': 'die Rolle muss participant oder moderator sein',
  'meetingForm.csv.header': 'CSV: Die erste Zeile muss die Kopfzeile email,name,role sein (gefunden: {found})',
};
