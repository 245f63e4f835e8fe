/** The Settings page and how times name their zone (keys settings.*, time.*). */
export const settings = {
  'settings.nav': 'Settings',
  'settings.title': 'Settings',
  'settings.lead': 'How Moderato speaks to you: your language and the time zone every time is shown in.',
  'settings.general': 'Language and time zone',
  'settings.locale': 'Language',
  'settings.timezone': 'Time zone',
  'settings.timezone.hint': 'Start typing a city, such as Europe/Berlin or America/New_York. Meetings keep their own time zone; you see their times in yours.',
  'settings.timezone.source.idp': 'Set by your sign-in account.',
  'settings.timezone.source.browser': 'Taken from your browser on your first visit.',
  'settings.timezone.source.chosen': 'Chosen by you.',
  'settings.timezone.source.organisation': "Your organisation's default: you have not chosen one yet.",
  'settings.saved': 'Your settings are saved.',
  'time.zone': '{city} time',
  'time.yours': 'Your time: {time}',
  'time.policy.defaultTimezone': 'Default time zone',
  'time.policy.defaultTimezone.hint':
    'Times are shown in this zone to people whose zone is not known yet (neither from the sign-in account nor from the browser). Environment default: {value}',
} as const;
