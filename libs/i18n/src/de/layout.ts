/** Seiten auf dem Telefon und kleine Helfer des Rahmens (Schlüssel wie in en/layout.ts). */
export const layout = {
  'nav.menu': 'Menü',
  'nav.myRooms': 'Räume',
  'nav.adminOverview': 'Übersicht',
  'nav.account': 'Konto',
  'copy.button': 'Kopieren',
  'copy.done': 'Kopiert',
  'copy.failed': 'Markieren Sie den Text und kopieren Sie ihn',
  'tokens.apiDocs': 'So verwenden Sie ein Token: die API-Dokumentation',
  'admin.audit.toBeforeFrom': 'Das Enddatum liegt vor dem Anfangsdatum: Wählen Sie ein Enddatum ab dem {from}',
  'admin.audit.noDetails': 'keine',
};
