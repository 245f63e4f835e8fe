/** What participants may do in the room: the policy grid, the meeting's override, the server page and the inspector (keys features.*). */
export const features = {
  'features.name.screen-sharing': 'Share their screen',
  'features.name.recording': 'Record the meeting',
  'features.name.livestreaming': 'Live stream',
  'features.name.transcription': 'Captions and transcription',
  'features.name.outbound-call': 'Call a phone number',
  'features.name.file-upload': 'Share files',
  'features.role.owner': 'Organizer',
  'features.role.moderator': 'Co-moderators',
  'features.role.member': 'Participants',
  'features.role.guest': 'Guests',
  'features.organizerMayAllow': 'Organizers may allow participants',
  'features.feature': 'Feature',
  'features.yes': 'yes',
  'features.no': 'no',
  'features.policy.title': 'What participants may do',
  'features.policy.intro':
    'Each box allows one thing in the Jitsi room to one role; it goes into their token (context.features). Organizers can always take a feature away from the participants of their meeting, and can allow one beyond the default where the last column is ticked. Permanent rooms use these defaults.',
  'features.policy.enabled': 'Put these rights into the Jitsi tokens',
  'features.policy.enabled.hint':
    'Off: tokens carry no features and Jitsi decides on its own (moderators may record, stream and call out; everyone may share their screen).',
  'features.policy.enforce':
    'Jitsi enforces recording, live streaming, subtitles and phone calls on its server (Prosody modules filter_iq_jibri and filter_iq_rayo), screen sharing only in its web app. The server page shows the lines to add.',
  'features.meeting.title': 'What participants may do',
  'features.meeting.hint': 'For invited participants and guests, not for you or co-moderators.',
  'features.meeting.default': 'As the organisation says ({value})',
  'features.meeting.allow': 'Allowed',
  'features.meeting.deny': 'Not allowed',
  'features.meeting.off': 'Your organisation does not put these rights into the Jitsi tokens: Jitsi decides on its own.',
  'features.meeting.changed': 'set for this meeting',
  'features.server.title': 'What participants may do: what Jitsi needs',
  'features.server.intro':
    "Moderato puts every feature into each token as true or false (context.features). Jitsi Meet's web app reads them by itself; the server refuses recording, live streaming, subtitles and phone calls to someone whose token says false only with these Prosody modules on the main VirtualHost:",
  'features.server.screen':
    'Screen sharing is hidden in the web app only: a changed client could still share. Where context.features is in a token, Jitsi treats a feature that is missing as not allowed, even for moderators.',
  'features.inspector.title': 'What this person may do (context.features)',
  'features.inspector.none': 'None: Jitsi decides by moderator status (most features for moderators only; screen sharing for everyone).',
  'features.inspector.other': 'not set by Moderato',
  'features.check.title': 'What the participant link may do (context.features)',
  'features.check.ok': 'as the policy says for participants. In Jitsi, the participant sees no button for what is not allowed.',
  'features.check.problems': 'not what the policy says for participants:',
  'features.check.off': 'nothing: the policy puts no features into tokens, so Jitsi decides by moderator status.',
} as const;
