/** End the meeting for everyone: the button, its page, the join refusal, the server's settings (keys endMeeting.*, join.ended_by.*). */
export const ending = {
  'endMeeting.button': 'End meeting for everyone',
  'endMeeting.title': 'End the meeting for everyone?',
  'endMeeting.text': 'Everyone in the room of "{title}" is disconnected now, and nobody can join this date again (their links say the meeting was ended).',
  'endMeeting.date': 'Date: {date}',
  'endMeeting.confirm': 'End meeting for everyone',
  'endMeeting.back': 'Back',
  'endMeeting.noRunning': 'No date of this meeting is running now: there is nothing to end.',
  'endMeeting.alreadyEnded': 'This date was ended by {name}.',
  'endMeeting.needsRs256':
    "End meeting is not offered for this meeting's Jitsi server: it signs its tokens with a shared secret (HS256). Jitsi's muc_end_meeting module accepts only tokens of the server's own algorithm, so an HS256 server refuses every end-meeting call — and switching that server to RS256 alone would break its HS256 logins.",
  'endMeeting.needsRs256.how':
    'To offer it, an admin moves the server to RS256: add the same Jitsi server again in Moderato with RS256 (Moderato serves its rotating public keys), set Prosody to asap_key_server with the lines on the server page, move the meetings to it, then remove the HS256 entry.',
  'endMeeting.notConfigured':
    "End meeting is not set up for this meeting's Jitsi server yet: an admin enters the server's Prosody HTTP base URL on the server page.",
  'endMeeting.ended': 'The meeting was ended for everyone. Nobody can join this date again.',
  'endMeeting.notRunning': 'Nobody was in the room (it was not running). Nobody can join this date again.',
  'endMeeting.failed': 'The meeting could not be ended: {message}',
  'endMeeting.error.PROSODY_REFUSED_SYSTEM_TOKEN':
    "Prosody refused Moderato's system token. An admin checks that muc_end_meeting is enabled, that prosody_password_public_key_repo_url is Moderato's system key URL (the server page shows it) and reachable from Prosody, and that the server signs with RS256.",
  'endMeeting.error.PROSODY_UNREACHABLE': 'Moderato could not reach Prosody ({message}). Nothing was ended; try again, or tell an admin.',
  'endMeeting.error.END_MEETING_NEEDS_RS256': 'This Jitsi server signs with HS256: it cannot end meetings.',
  'endMeeting.error.END_MEETING_NOT_CONFIGURED': "End meeting is not set up for this meeting's Jitsi server.",
  'join.ended_by.title': 'This meeting was ended',
  'join.ended_by.body': 'This meeting was ended by {name}. It cannot be joined again on this date.',
  'endMeeting.server.title': 'End meeting for everyone (muc_end_meeting)',
  'endMeeting.server.prosodyHttpUrl': 'Prosody HTTP base URL (internal, optional)',
  'endMeeting.server.prosodyHttpUrl.hint':
    "How Moderato reaches Prosody's HTTP port on the internal network, e.g. http://xmpp.meet.jitsi:5280 (docker) or http://127.0.0.1:5280. Empty: End meeting is off. Never expose this port to the internet.",
  'endMeeting.server.lead':
    "Organizers end a meeting for everyone through Jitsi's own muc_end_meeting module, with tokens signed by Moderato's system key (not the login keys). Paste these lines into Prosody's configuration:",
  'endMeeting.server.keyUrl': 'System key URL (prosody_password_public_key_repo_url):',
  'endMeeting.server.mucDomain': 'MUC domain of the rooms (optional)',
  'endMeeting.server.mucDomain.hint':
    'docker-jitsi-meet: muc.meet.jitsi (XMPP_MUC_DOMAIN); Debian install: conference.<host>. Empty: muc.meet.jitsi for meet.jitsi, else conference.<XMPP domain>.',
  'endMeeting.server.off': 'Off: no Prosody HTTP base URL is set.',
  'endMeeting.server.ready': 'On: Moderato calls {url}/end-meeting.',
  'endMeeting.policy.autoEnd': "End each meeting's date for everyone at its scheduled end plus the grace period",
  'endMeeting.policy.autoEnd.hint':
    'Only on RS256 servers with End meeting set up. Nobody is warned beforehand (muc_end_meeting cannot post a message into the room): the room just closes. An organizer may turn it off or on for a meeting.',
  'endMeeting.policy.grace': 'Grace period after the scheduled end (minutes)',
  'endMeeting.option.autoEnd': 'End for everyone at the scheduled end',
  'endMeeting.option.autoEnd.policy': 'As the organisation decides',
  'endMeeting.option.autoEnd.on': 'Yes',
  'endMeeting.option.autoEnd.off': 'No',
  'endMeeting.automatic': 'Moderato (scheduled end)',
  'endMeeting.server.systemKey': 'System key in use: {kid} (one for all servers; made at the first End meeting).',
  'endMeeting.server.rotate': 'Rotate the system key',
  'endMeeting.server.rotated': 'A new system key is in use for every server. The old public key stays published for ten minutes.',
} as const;
