import type { Translation } from '../translator';
import type { rooms as en } from '../en/rooms';

export const rooms: Translation<typeof en> = {
  'rooms.title': 'Dauerhafte Räume',
  'rooms.lead':
    'Räume ohne Termin, zum Beispiel ein Lehrerzimmer. Nur die Gruppen und Personen auf der Zugangsliste eines Raums können ihn öffnen; alle anderen werden abgewiesen.',
  'rooms.add': 'Raum anlegen',
  'rooms.none': 'Noch kein dauerhafter Raum.',
  'rooms.name': 'Raumname',
  'rooms.slug': 'Adresse',
  'rooms.slug.hint': 'Der Raum öffnet sich unter /r/<Adresse>: Kleinbuchstaben, Ziffern und Bindestriche. Leer lassen, um sie aus dem Namen zu bilden.',
  'rooms.server': 'Jitsi-Server',
  'rooms.server.none': 'Noch kein Jitsi-Server: bitte zuerst einen anlegen',
  'rooms.access': 'Zugangsliste',
  'rooms.access.hint':
    'Ein Eintrag pro Zeile: group:<Gruppenname> oder user:<E-Mail-Adresse>, danach member (Teilnehmer) oder moderator (ohne Angabe: member). Gruppennamen sind die Gruppen oder Rollen aus Ihrem Identitätsanbieter.',
  'rooms.access.count': 'Einträge: {count}',
  'rooms.enabled': 'Geöffnet (die Personen auf der Liste können eintreten)',
  'rooms.status': 'Zustand',
  'rooms.status.enabled': 'Geöffnet',
  'rooms.status.disabled': 'Geschlossen',
  'rooms.new': 'Neuer dauerhafter Raum',
  'rooms.edit': 'Raum bearbeiten',
  'rooms.link': 'Link zum Weitergeben',
  'rooms.delete': 'Raum löschen',
  'rooms.delete.confirm':
    'Den Raum „{name}“ endgültig löschen? Die Adresse /r/{slug} funktioniert sofort nicht mehr. Wer schon in der Videokonferenz ist, bleibt, bis sein Token abläuft.',
  'rooms.delete.button': 'Endgültig löschen',
  'rooms.conflict':
    'Jemand hat diesen Raum inzwischen geändert, daher wurde Ihre Änderung nicht gespeichert. Öffnen Sie den Raum erneut, um den aktuellen Stand zu sehen, und nehmen Sie Ihre Änderung dann noch einmal vor.',
  'rooms.mine.title': 'Meine Räume',
  'rooms.mine.lead': 'Dauerhafte Räume, die Sie jederzeit öffnen dürfen.',
  'rooms.mine.none': 'Für Sie ist kein dauerhafter Raum freigegeben.',
  'rooms.as.member': 'Sie nehmen als Teilnehmer teil.',
  'rooms.as.moderator': 'Sie nehmen als Moderator teil.',
  'rooms.enter': 'Raum betreten',
  'room.not_found.title': 'Diesen Raum gibt es nicht',
  'room.not_found.body': 'Die Adresse ist vielleicht falsch geschrieben, oder der Raum wurde entfernt. Bitte fragen Sie, wer Ihnen den Link gegeben hat.',
  'room.refused.title': 'Sie stehen nicht auf der Liste dieses Raums',
  'room.refused.body':
    'Nur die Gruppen und Personen auf der Zugangsliste können diesen Raum öffnen. Sie sind als {email} angemeldet. Wenn Sie ein anderes Konto haben, das auf der Liste steht, wechseln Sie dorthin; sonst wenden Sie sich an eine Administratorin oder einen Administrator.',
  'room.closed.title': 'Dieser Raum ist zurzeit geschlossen',
  'room.closed.body':
    'Eine Administratorin oder ein Administrator hat diesen Raum geschlossen. Bitte versuchen Sie es später noch einmal oder fragen Sie in der Verwaltung nach.',
};
