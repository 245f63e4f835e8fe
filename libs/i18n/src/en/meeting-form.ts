/** The meeting form's zone picker, its first-date preview and the lines of its invitee lists (keys meetingForm.*). */
export const meetingForm = {
  'meetingForm.timezone.hint': 'Type to search (for example Berlin or New York). Each zone shows its current offset from UTC.',
  'meetingForm.preview.firstDate': 'First date: {date}',
  'meetingForm.preview.date': 'Date: {date}',
  'meetingForm.preview.moved': 'The rule does not match {requested}: the series starts on the first date that does.',
  'meetingForm.list.participants': 'Participants, line {line}: {text} — {message}',
  'meetingForm.list.moderators': 'Co-moderators, line {line}: {text} — {message}',
  'meetingForm.list.csv': 'CSV, line {line}: {text} — {message}',
  'meetingForm.problem.email': 'not a valid email address',
  'meetingForm.problem.twice': '{email} is listed twice',
  'meetingForm.problem.role': 'role must be participant or moderator',
  'meetingForm.csv.header': 'CSV: the first line must be the header email,name,role (found: {found})',
};
