import type { Translation } from '../translator';
import type { features as en } from '../en/features';

/** Was Teilnehmende im Raum dürfen (keys features.*). */
export const features: Translation<typeof en> = {
  'features.name.screen-sharing': 'Bildschirm teilen',
  'features.name.recording': 'Besprechung aufzeichnen',
  'features.name.livestreaming': 'Livestream',
  'features.name.transcription': 'Transkription',
  'features.name.outbound-call': 'Telefonnummer anrufen',
  'features.name.file-upload': 'Dateien teilen',
  'features.role.owner': 'Organisator',
  'features.role.moderator': 'Ko-Moderierende',
  'features.role.member': 'Teilnehmende',
  'features.role.guest': 'Gäste',
  'features.organizerMayAllow': 'Organisatoren dürfen es Teilnehmenden erlauben',
  'features.feature': 'Funktion',
  'features.yes': 'ja',
  'features.no': 'nein',
  'features.policy.title': 'Was Teilnehmende dürfen',
  'features.policy.intro':
    'Jedes Kästchen erlaubt einer Rolle eine Sache im Jitsi-Raum; es steht in ihrem Token (context.features). Organisatoren können den Teilnehmenden ihrer Besprechung eine Funktion immer wegnehmen und über die Voreinstellung hinaus erlauben, wo die letzte Spalte angekreuzt ist. Dauerhafte Räume nutzen diese Voreinstellungen.',
  'features.policy.enabled': 'Diese Rechte in die Jitsi-Tokens schreiben',
  'features.policy.enabled.hint':
    'Aus: Die Tokens enthalten keine Funktionen, und Jitsi entscheidet selbst (Moderierende dürfen aufzeichnen, streamen und hinaustelefonieren; alle dürfen ihren Bildschirm teilen).',
  'features.policy.enforce':
    'Aufzeichnung, Livestream, Untertitel und Anrufe setzt Jitsi auf dem Server durch (Prosody-Module filter_iq_jibri und filter_iq_rayo), Bildschirmfreigabe nur in seiner Web-App. Die Serverseite zeigt die nötigen Zeilen.',
  'features.meeting.title': 'Was Teilnehmende dürfen',
  'features.meeting.hint': 'Für eingeladene Teilnehmende und Gäste, nicht für Sie oder Ko-Moderierende.',
  'features.meeting.default': 'Wie die Organisation es vorgibt ({value})',
  'features.meeting.allow': 'Erlaubt',
  'features.meeting.deny': 'Nicht erlaubt',
  'features.meeting.off': 'Ihre Organisation schreibt diese Rechte nicht in die Jitsi-Tokens: Jitsi entscheidet selbst.',
  'features.meeting.changed': 'für diese Besprechung festgelegt',
  'features.server.title': 'Was Teilnehmende dürfen: was Jitsi dafür braucht',
  'features.server.intro':
    'Moderato schreibt jede Funktion als true oder false in jedes Token (context.features). Die Web-App von Jitsi Meet liest sie von sich aus; der Server verweigert Aufzeichnung, Livestream, Untertitel und Anrufe bei false nur mit diesen Prosody-Modulen im Haupt-VirtualHost:',
  'features.server.screen':
    'Die Bildschirmfreigabe wird nur in der Web-App ausgeblendet: Ein veränderter Client könnte trotzdem teilen. Steht context.features in einem Token, gilt eine fehlende Funktion als nicht erlaubt, auch für Moderierende.',
  'features.inspector.title': 'Was diese Person darf (context.features)',
  'features.inspector.none': 'Keine: Jitsi entscheidet nach Moderationsrechten (die meisten Funktionen nur für Moderierende, Bildschirmfreigabe für alle).',
  'features.inspector.other': 'nicht von Moderato gesetzt',
  'features.check.title': 'Was der Teilnehmenden-Link darf (context.features)',
  'features.check.ok': 'wie die Richtlinie es für Teilnehmende vorgibt. In Jitsi sieht die teilnehmende Person keinen Knopf für das, was nicht erlaubt ist.',
  'features.check.problems': 'nicht, was die Richtlinie für Teilnehmende vorgibt:',
  'features.check.off': 'nichts: Die Richtlinie schreibt keine Funktionen in die Tokens, Jitsi entscheidet nach Moderationsrechten.',
  'error.fields.featureNotAllowed':
    'Ihre Organisation lässt Organisatoren dies für Teilnehmende nicht erlauben: Behalten Sie die Voreinstellung oder wählen Sie „Nicht erlaubt“.',
};
