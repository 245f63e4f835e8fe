import { pageNumberMessage, unsafeTextMessage } from '@moderato/core';
import { localizeFieldErrors, localizeFormErrors } from './field-messages';
import { translator } from '@moderato/i18n';

describe('field messages on pages', () => {
  it('are German where a translation exists, naming the field; others stay as they are', () => {
    const de = translator('de');
    expect(localizeFieldErrors([{ field: 'page', messages: [pageNumberMessage()] }], de)).toEqual([
      { field: 'page', messages: ['page muss eine ganze Zahl von 1 bis 100000 sein'] },
    ]);
    expect(localizeFormErrors({ participants: [unsafeTextMessage('invitees.3.name'), 'cancelMeetings must be true (or left out)'] }, de)).toEqual({
      participants: ['invitees.3.name darf keine NUL-Zeichen und keine ungepaarten UTF-16-Surrogate enthalten', 'cancelMeetings must be true (or left out)'],
    });
    expect(localizeFieldErrors([{ field: 'q', messages: [unsafeTextMessage('q')] }], translator('en'))).toEqual([
      { field: 'q', messages: [unsafeTextMessage('q')] },
    ]);
  });

  it("speak to people in their language: the DTOs' messages by field and constraint", () => {
    const en = translator('en');
    const de = translator('de');
    const form = {
      date: ['startsAt must be an ISO 8601 date-time with offset, e.g. 2026-12-01T08:00:00+01:00'],
      endTime: ['endsAt must be an ISO 8601 date-time with offset'],
      title: ['title must not be empty', 'title must be at most 200 characters'],
      timezone: ['timezone must be an IANA time zone such as Europe/Berlin'],
      joinBefore: ['joinWindowMinutesBefore must not be greater than 240'],
      repeat: ['repeat must be none, daily, weekly or monthly', 'recurrence must be shorter than or equal to 500 characters'],
      count: ['a series needs 2 to 500 occurrences'],
      participants: ['invitees.3.email must be an email address'],
    };
    expect(localizeFormErrors(form, en)).toEqual({
      date: ['Enter a start date and time'],
      endTime: ['Enter an end date and time'],
      title: ['Enter a title', 'A title has at most 200 characters'],
      timezone: ['Choose a time zone from the list'],
      joinBefore: ['The meeting can open at most 240 minutes before it starts'],
      repeat: ['Choose one of the options', 'Use at most 500 characters'],
      count: ['A series has 2 to 500 meetings'],
      participants: ['Enter an email address such as sam@school.test'],
    });
    expect(localizeFormErrors(form, de)).toEqual({
      date: ['Geben Sie Datum und Uhrzeit des Beginns ein'],
      endTime: ['Geben Sie Datum und Uhrzeit des Endes ein'],
      title: ['Geben Sie einen Titel ein', 'Ein Titel hat höchstens 200 Zeichen'],
      timezone: ['Wählen Sie eine Zeitzone aus der Liste'],
      joinBefore: ['Die Besprechung kann höchstens 240 Minuten vor Beginn öffnen'],
      repeat: ['Wählen Sie eine der Möglichkeiten', 'Verwenden Sie höchstens 500 Zeichen'],
      count: ['Eine Serie hat 2 bis 500 Termine'],
      participants: ['Geben Sie eine E-Mail-Adresse an, etwa sam@school.test'],
    });
  });

  it("cover the room, server, API token and policy forms; messages without a field name take the form's", () => {
    const de = translator('de');
    expect(
      localizeFormErrors(
        {
          name: ['name must not be empty'],
          slug: ['slug may contain only a-z, 0-9 and single hyphens (not at the start or end), e.g. staff-room'],
          baseUrl: ['baseUrl must be an http(s) URL such as https://meet.school.org'],
          secret: ['secret must be at least 32 characters (leave it empty to have one generated)'],
          expiresInDays: ['expiresInDays must be between 1 and 365'],
          joinWindowBeforeMinutes: ['must be a whole number of minutes'],
          serverId: ['serverId must be the id of a Jitsi server'],
        },
        de,
      ),
    ).toEqual({
      name: ['Geben Sie einen Namen ein'],
      slug: ['Verwenden Sie nur a–z, 0–9 und einzelne Bindestriche, etwa staff-room'],
      baseUrl: ['Geben Sie die Adresse des Servers an, etwa https://meet.school.org'],
      secret: ['Das Geheimnis braucht mindestens 32 Zeichen (leer lassen, um eines erzeugen zu lassen)'],
      expiresInDays: ['Geben Sie eine ganze Zahl von 1 bis 365 an'],
      joinWindowBeforeMinutes: ['Geben Sie eine ganze Zahl von Minuten an'],
      serverId: ['Wählen Sie einen Server aus der Liste'],
    });
  });

  it('leave a message they cannot read as it was, and translated texts alone', () => {
    const de = translator('de');
    const unknown = 'cancelMeetings must be true (or left out)';
    expect(localizeFormErrors({ cancelMeetings: [unknown], title: ['Geben Sie einen Titel ein'] }, de)).toEqual({
      cancelMeetings: [unknown],
      title: ['Geben Sie einen Titel ein'],
    });
  });
});
