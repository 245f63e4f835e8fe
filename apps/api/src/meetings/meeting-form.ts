import { isCalendarDate, isTimeZone, zonedToUtc, isoWithOffset } from '@moderato/core';
import { translator, type Translate } from '@moderato/i18n';
import {
  parseInviteeCsv,
  parseInviteeList,
  scheduleMessage,
  type InviteeListProblem,
  type ParsedInvitee,
  type ScheduleProblem,
  type ScheduleProblemCode,
} from '@moderato/meetings';
import { zoneOfInput } from './time-zone-choices';
import { PARTICIPANT_FEATURES, organizerMayAllow, type ParticipantFeature, type ParticipantFeaturesPolicy } from '@moderato/policy';

/** What the "New meeting" form posts (all strings, as browsers send them). */
export interface MeetingForm {
  title?: string;
  description?: string;
  date?: string;
  startTime?: string;
  endTime?: string;
  timezone?: string;
  repeat?: string;
  weekdays?: string | string[];
  count?: string;
  joinBefore?: string;
  participants?: string;
  moderators?: string;
  /** The Jitsi server, when the organizer may choose among several. */
  serverId?: string;
  /** The new-meeting form's one-time id: posting the same form twice creates one meeting. */
  formId?: string;
  /** What participants may do: `default` (the organisation's), `allow` or `deny`, one field per feature. */
  [feature: `feature-${string}`]: string | undefined;
}

const FEATURE_VALUES: Record<string, boolean | null> = { default: null, allow: true, deny: false };

/** The participant features the form offers: each with the organisation's default for participants, and whether the organizer may allow it. */
export function featureChoicesOf(policy: ParticipantFeaturesPolicy) {
  return {
    enabled: policy.enabled,
    rows: PARTICIPANT_FEATURES.map((feature) => ({ feature, byDefault: policy.member[feature], mayAllow: organizerMayAllow(policy, feature) })),
  };
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** The form's own schedule checks, besides those of the API (checkSchedule). */
type FormProblemCode = 'date.notADate' | 'time.notATime';

/**
 * The text of a schedule problem on the form: the pages pass their translator (schedule.* keys
 * of the web i18n catalogs), so the error beside the field is in the person's language.
 */
export type ScheduleText = (code: ScheduleProblemCode | FormProblemCode, params?: Record<string, string | number>) => string;

const ENGLISH_FORM_TEXT: Record<FormProblemCode, string> = {
  'date.notADate': '{value} is not a date of the calendar',
  'time.notATime': '{value} is not a time of day (00:00 to 23:59)',
};
/** The API's English texts: for callers without a translator. */
export const englishScheduleText: ScheduleText = (code, params) =>
  code in ENGLISH_FORM_TEXT
    ? ENGLISH_FORM_TEXT[code as FormProblemCode].replace(/\{(\w+)\}/g, (whole, name: string) => String(params?.[name] ?? whole))
    : scheduleMessage({ code: code as ScheduleProblemCode, params });

/** Schedule problems refused by the service, as form errors beside the right field. */
export function scheduleErrors(problems: ScheduleProblem[], text: ScheduleText): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const problem of problems) (errors[formFieldOf(problem.field)] ??= []).push(text(problem.code, problem.params));
  return errors;
}

const isDay = (value: string) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return !!match && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
};
const isTimeOfDay = (value: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
/** What the form shows of a value it refuses (a crafted request may send anything). */
const shown = (value: string) => value.slice(0, 40);

/**
 * Browsers post text (weekdays: one or several). Anything else (a JSON body, `name[a]=b`,
 * a field sent twice) is refused for that field and left out.
 */
function textFieldsOf(posted: MeetingForm, add: (field: string, message: string) => void): MeetingForm {
  const form: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(posted ?? {})) {
    const text = typeof value === 'string' || (field === 'weekdays' && Array.isArray(value) && value.every((day) => typeof day === 'string'));
    if (text || value === undefined) form[field] = value;
    else add(field, `${field} must be text`);
  }
  return form as MeetingForm;
}

/**
 * The form's date, times and zone as ISO instants with the zone's offset (what the API takes).
 * Problems are added beside their fields; without `endTime` (the preview) only the start is read.
 */
/** The form's schedule fields (the preview's query has only these). */
type ScheduleFields = Pick<MeetingForm, 'date' | 'startTime' | 'endTime' | 'timezone' | 'repeat' | 'weekdays' | 'count'>;

export function timesOfForm(
  form: ScheduleFields,
  text: ScheduleText,
  add: (field: string, message: string) => void,
  options: { needEnd: boolean } = { needEnd: true },
): { timezone: string; startsAt?: string; endsAt?: string } {
  const timezone = zoneOfInput(form.timezone ?? '') || 'UTC';
  if (!isTimeZone(timezone)) {
    add('timezone', text('timezone.unknown'));
    return { timezone };
  }
  // 2027-02-30 or 24:00 are refused, not rolled over into March or the next day.
  const badDate = !!form.date && !isDay(form.date);
  const badStart = !!form.startTime && !isTimeOfDay(form.startTime);
  const badEnd = !!form.endTime && !isTimeOfDay(form.endTime);
  if (badDate) add('date', text('date.notADate', { value: shown(form.date!) }));
  if (badStart) add('startTime', text('time.notATime', { value: shown(form.startTime!) }));
  if (badEnd) add('endTime', text('time.notATime', { value: shown(form.endTime!) }));
  const start = form.date && form.startTime && !badDate && !badStart ? zonedToUtc(form.date, form.startTime, timezone) : undefined;
  const end = form.date && form.endTime && !badDate && !badEnd ? zonedToUtc(form.date, form.endTime, timezone) : undefined;
  if (!start && !badDate && !badStart) add('date', text('startsAt.format'));
  if (!end && !badDate && !badEnd && (options.needEnd || form.endTime)) add('endTime', text('endsAt.format'));
  if (start && end && end <= start) add('endTime', text('endsAt.beforeStart'));
  return {
    timezone,
    startsAt: start && (end || !options.needEnd) ? isoWithOffset(start, timezone) : undefined,
    endsAt: start && end ? isoWithOffset(end, timezone) : undefined,
  };
}

/** The form's repetition as an RRULE (FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12), undefined for "does not repeat". */
export function recurrenceOfForm(form: ScheduleFields, add: (field: string, message: string) => void): string | undefined {
  if (!form.repeat || form.repeat === 'none') return undefined;
  const count = Number(form.count || 0);
  if (!Number.isInteger(count) || count < 2 || count > 500) add('count', 'a series needs 2 to 500 occurrences');
  const days = (Array.isArray(form.weekdays) ? form.weekdays : form.weekdays ? [form.weekdays] : []).filter((day) => WEEKDAYS.includes(day));
  const freq = { daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY' }[form.repeat];
  if (!freq) {
    add('repeat', 'repeat must be none, daily, weekly or monthly');
    return undefined;
  }
  return `FREQ=${freq}${freq === 'WEEKLY' && days.length ? `;BYDAY=${days.join(',')}` : ''};COUNT=${count}`;
}

/** The line of a pasted list or the CSV a problem is in, in the page's language. */
const LIST_KEYS = { moderators: 'meetingForm.list.moderators', participants: 'meetingForm.list.participants', csv: 'meetingForm.list.csv' } as const;
const PROBLEM_KEYS = { email: 'meetingForm.problem.email', twice: 'meetingForm.problem.twice', role: 'meetingForm.problem.role' } as const;

/**
 * Turns the form into the API's CreateMeetingDto shape (so the same validation applies), plus
 * the per-line problems of the pasted lists and the CSV, in the page's language (`t`). Field
 * errors use the form's names.
 */
export function meetingFormToDto(posted: MeetingForm, csv?: string, text: ScheduleText = englishScheduleText, t: Translate = translator('en')) {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const form = textFieldsOf(posted, add);
  const { timezone, startsAt, endsAt } = timesOfForm(form, text, add);
  const recurrence = recurrenceOfForm(form, add);
  const invitees: ParsedInvitee[] = [];
  const problemText = (problem: InviteeListProblem) => t(PROBLEM_KEYS[problem.code], { email: problem.email ?? '' });
  const take = (result: { invitees: ParsedInvitee[]; problems: InviteeListProblem[] }, source: keyof typeof LIST_KEYS) => {
    for (const problem of result.problems) add('participants', t(LIST_KEYS[source], { line: problem.line, text: problem.text, message: problemText(problem) }));
    for (const invitee of result.invitees) {
      if (invitees.some((existing) => existing.email === invitee.email)) add('participants', t('meetingForm.problem.twice', { email: invitee.email }));
      else invitees.push(invitee);
    }
  };
  take(parseInviteeList(form.moderators ?? '', 'moderator'), 'moderators');
  take(parseInviteeList(form.participants ?? '', 'participant'), 'participants');
  if (csv !== undefined && csv.trim()) {
    const parsed = parseInviteeCsv(csv);
    if (parsed.headerError) add('csv', t('meetingForm.csv.header', { found: parsed.headerFound ?? '' }));
    else take(parsed, 'csv');
  }
  let features: Partial<Record<ParticipantFeature, boolean | null>> | undefined;
  for (const feature of PARTICIPANT_FEATURES) {
    const value = form[`feature-${feature}`];
    if (value === undefined) continue;
    if (value in FEATURE_VALUES) (features ??= {})[feature] = FEATURE_VALUES[value];
    else add(`feature-${feature}`, `feature-${feature} must be default, allow or deny`);
  }
  const joinBefore = form.joinBefore === undefined || form.joinBefore === '' ? undefined : Number(form.joinBefore);
  return {
    errors,
    dto: {
      title: form.title ?? '',
      description: form.description || undefined,
      startsAt: startsAt ?? '',
      endsAt: endsAt ?? '',
      timezone,
      joinWindowMinutesBefore: joinBefore,
      recurrence,
      ...(form.serverId ? { serverId: form.serverId } : {}),
      ...(features ? { features } : {}),
      invitees: invitees.map((invitee) => ({ email: invitee.email, name: invitee.name, role: invitee.role })),
    },
  };
}

/** API field names → the form's field names, for showing errors next to the right input. */
export function formFieldOf(apiField: string): string {
  if (apiField === 'startsAt') return 'date';
  if (apiField === 'endsAt') return 'endTime';
  if (apiField === 'joinWindowMinutesBefore') return 'joinBefore';
  if (apiField === 'recurrence') return 'repeat';
  if (apiField.startsWith('invitees')) return 'participants';
  if (apiField.startsWith('features.')) return `feature-${apiField.slice('features.'.length)}`;
  return apiField;
}

/** A meeting as the form shows it: date and times on the meeting's own wall clock. */
export function formOfMeeting(meeting: {
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  joinBeforeMinutes: number;
  features?: Partial<Record<ParticipantFeature, boolean>>;
}): MeetingForm {
  const local = (date: Date) => isoWithOffset(date, meeting.timezone);
  const rule = Object.fromEntries(
    (meeting.rrule ?? '')
      .split(';')
      .filter(Boolean)
      .map((part) => part.split('=') as [string, string]),
  );
  return {
    title: meeting.title,
    description: meeting.description,
    date: local(meeting.startsAt).slice(0, 10),
    startTime: local(meeting.startsAt).slice(11, 16),
    endTime: local(meeting.endsAt).slice(11, 16),
    timezone: meeting.timezone,
    repeat: rule.FREQ ? rule.FREQ.toLowerCase() : 'none',
    weekdays: rule.BYDAY ? rule.BYDAY.split(',') : [],
    count: rule.COUNT ?? '10',
    joinBefore: String(meeting.joinBeforeMinutes),
    ...Object.fromEntries(
      PARTICIPANT_FEATURES.map((feature) => {
        const value = meeting.features?.[feature];
        return [`feature-${feature}`, value === true ? 'allow' : value === false ? 'deny' : 'default'];
      }),
    ),
  };
}
