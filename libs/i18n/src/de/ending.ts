import type { Translation } from '../translator';
import type { ending as en } from '../en/ending';

export const ending: Translation<typeof en> = {
  'endMeeting.button': 'Besprechung für alle beenden',
  'endMeeting.title': 'Besprechung für alle beenden?',
  'endMeeting.text':
    'Alle im Raum von „{title}“ werden jetzt getrennt, und niemand kann diesen Termin erneut betreten (ihre Links sagen, dass die Besprechung beendet wurde).',
  'endMeeting.date': 'Termin: {date}',
  'endMeeting.confirm': 'Besprechung für alle beenden',
  'endMeeting.back': 'Zurück',
  'endMeeting.noRunning': 'Gerade läuft kein Termin dieser Besprechung: Es gibt nichts zu beenden.',
  'endMeeting.alreadyEnded': 'Dieser Termin wurde von {name} beendet.',
  'endMeeting.needsRs256':
    'Für den Jitsi-Server dieser Besprechung wird „Beenden“ nicht angeboten: Er signiert seine Tokens mit einem gemeinsamen Geheimnis (HS256). Jitsis Modul muc_end_meeting akzeptiert nur Tokens mit dem Algorithmus des Servers selbst, deshalb lehnt ein HS256-Server jeden Aufruf zum Beenden ab – und den Server allein auf RS256 umzustellen, würde seine HS256-Anmeldungen unbrauchbar machen.',
  'endMeeting.needsRs256.how':
    'Um es anzubieten, stellt ein Admin den Server auf RS256 um: denselben Jitsi-Server in Moderato noch einmal mit RS256 anlegen (Moderato stellt seine rotierenden öffentlichen Schlüssel bereit), Prosody mit den Zeilen der Serverseite auf asap_key_server umstellen, die Besprechungen dorthin verlegen und dann den HS256-Eintrag entfernen.',
  'endMeeting.notConfigured':
    'Für den Jitsi-Server dieser Besprechung ist „Beenden“ noch nicht eingerichtet: Ein Admin trägt auf der Serverseite die interne HTTP-Adresse von Prosody ein.',
  'endMeeting.ended': 'Die Besprechung wurde für alle beendet. Niemand kann diesen Termin erneut betreten.',
  'endMeeting.notRunning': 'Niemand war im Raum (er lief nicht). Niemand kann diesen Termin erneut betreten.',
  'endMeeting.failed': 'Die Besprechung konnte nicht beendet werden: {message}',
  'endMeeting.error.PROSODY_REFUSED_SYSTEM_TOKEN':
    'Prosody hat das System-Token von Moderato abgelehnt. Ein Admin prüft, ob muc_end_meeting aktiviert ist, ob prosody_password_public_key_repo_url die System-Schlüssel-URL von Moderato ist (die Serverseite zeigt sie) und von Prosody erreichbar ist und ob der Server mit RS256 signiert.',
  'endMeeting.error.PROSODY_UNREACHABLE':
    'Moderato konnte Prosody nicht erreichen ({message}). Es wurde nichts beendet; versuchen Sie es erneut oder wenden Sie sich an einen Admin.',
  'endMeeting.error.END_MEETING_NEEDS_RS256': 'Dieser Jitsi-Server signiert mit HS256: Er kann keine Besprechungen beenden.',
  'endMeeting.error.END_MEETING_NOT_CONFIGURED': 'Für den Jitsi-Server dieser Besprechung ist „Beenden“ nicht eingerichtet.',
  'join.ended_by.title': 'Diese Besprechung wurde beendet',
  'join.ended_by.body': 'Diese Besprechung wurde von {name} beendet. An diesem Termin kann sie nicht erneut betreten werden.',
  'endMeeting.server.title': 'Besprechung für alle beenden (muc_end_meeting)',
  'endMeeting.server.prosodyHttpUrl': 'HTTP-Basisadresse von Prosody (intern, optional)',
  'endMeeting.server.prosodyHttpUrl.hint':
    'Wie Moderato den HTTP-Port von Prosody im internen Netz erreicht, z. B. http://xmpp.meet.jitsi:5280 (Docker) oder http://127.0.0.1:5280. Leer: „Beenden“ ist aus. Diesen Port nie aus dem Internet erreichbar machen.',
  'endMeeting.server.lead':
    'Organisatoren beenden eine Besprechung für alle über Jitsis eigenes Modul muc_end_meeting, mit Tokens, die der System-Schlüssel von Moderato signiert (nicht die Anmeldeschlüssel). Fügen Sie diese Zeilen in die Konfiguration von Prosody ein:',
  'endMeeting.server.keyUrl': 'System-Schlüssel-URL (prosody_password_public_key_repo_url):',
  'endMeeting.server.mucDomain': 'MUC-Domain der Räume (optional)',
  'endMeeting.server.mucDomain.hint':
    'docker-jitsi-meet: muc.meet.jitsi (XMPP_MUC_DOMAIN); Debian-Installation: conference.<Host>. Leer: muc.meet.jitsi bei meet.jitsi, sonst conference.<XMPP-Domain>.',
  'endMeeting.server.off': 'Aus: Es ist keine HTTP-Basisadresse von Prosody eingetragen.',
  'endMeeting.server.ready': 'An: Moderato ruft {url}/end-meeting auf.',
  'endMeeting.policy.autoEnd': 'Jeden Termin zum geplanten Ende plus Nachlaufzeit für alle beenden',
  'endMeeting.policy.autoEnd.hint':
    'Nur auf RS256-Servern mit eingerichtetem „Beenden“. Niemand wird vorher gewarnt (muc_end_meeting kann keine Nachricht in den Raum schicken): Der Raum wird einfach geschlossen. Organisatoren können es je Besprechung aus- oder einschalten.',
  'endMeeting.policy.grace': 'Nachlaufzeit nach dem geplanten Ende (Minuten)',
  'endMeeting.option.autoEnd': 'Zum geplanten Ende für alle beenden',
  'endMeeting.option.autoEnd.policy': 'Wie die Organisation es festlegt',
  'endMeeting.option.autoEnd.on': 'Ja',
  'endMeeting.option.autoEnd.off': 'Nein',
  'endMeeting.automatic': 'Moderato (geplantes Ende)',
  'endMeeting.server.systemKey': 'Verwendeter System-Schlüssel: {kid} (einer für alle Server; beim ersten Beenden erzeugt).',
  'endMeeting.server.rotate': 'System-Schlüssel erneuern',
  'endMeeting.server.rotated': 'Für alle Server ist ein neuer System-Schlüssel in Gebrauch. Der alte öffentliche Schlüssel bleibt zehn Minuten veröffentlicht.',
};
