import type { Locale } from '@moderato/config';
import { dateTimeFormat, plainText, singleLine } from '@moderato/core';
import { mailTranslator, type MailKey } from '@moderato/i18n';
import { describeRecurrence, type InvitationRole, type OccurrenceException, type OutboxKind } from '@moderato/meetings';

export interface RenderMailInput {
  kind: OutboxKind;
  locale: Locale;
  productName: string;
  invitation: { email: string; name: string; role: InvitationRole };
  meeting: {
    title: string;
    description: string;
    startsAt: Date;
    endsAt: Date;
    rrule: string | null;
    recurrenceExceptions?: OccurrenceException[];
    /** The meeting's own zone, whose wall clock the rule follows (default: `timezone`). */
    timezone?: string;
  };
  /** Undefined when the organizer was deleted: the mail then speaks for the organisation (a cancellation). */
  organizer?: { name: string; email: string };
  /** The invitee's personal link (shown for invite, update and reminder). */
  link: string;
  /** IANA zone the times are shown in (the invitee's, else the meeting's). */
  timezone: string;
  /** An update's values before the change (from the outbox payload): the mail shows old → new. */
  previous?: { title?: string; startsAt?: string; endsAt?: string; description?: boolean };
  /** A cancellation for one invitee who was removed (revoked), the meeting goes on without them. */
  revoked?: boolean;
  /** ISO start of the one occurrence this mail is about (reminders, single cancellations). */
  occurrence?: string;
  /** The organisation's branding from its policy (all optional). */
  branding?: { logoUrl?: string; supportContact?: string; mailFooter?: string };
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
/** Names, titles, subjects: one line, no control characters (a header injection or noise otherwise). */
const oneLine = (value: string) => singleLine(value).replace(/ {2,}/g, ' ').trim();

/** The zone's name in the language (e.g. "Central European Standard Time"), at that instant. */
function zoneName(date: Date, locale: Locale, timeZone: string): string {
  const part = dateTimeFormat(locale, { timeZone, timeZoneName: 'long' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

const formattedWhen = new Map<string, string>();

/**
 * "Tuesday, 1 December 2026, 08:00 – 09:00 (Central European Standard Time, Europe/Berlin)".
 * Remembered: the 2,000 mails of a fan-out show the same times (ICU's formatRange was a fifth of
 * the worker's CPU per mail, BENCHMARKS.md).
 */
export function formatWhen(start: Date, end: Date, locale: Locale, timeZone: string): string {
  const key = `${start.getTime()}|${end.getTime()}|${locale}|${timeZone}`;
  let text = formattedWhen.get(key);
  if (text === undefined) {
    if (formattedWhen.size >= 10_000) formattedWhen.clear();
    text = computeWhen(start, end, locale, timeZone);
    formattedWhen.set(key, text);
  }
  return text;
}

function computeWhen(start: Date, end: Date, locale: Locale, timeZone: string): string {
  const format = dateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const name = zoneName(start, locale, timeZone);
  return `${format.formatRange(start, end)} (${name === timeZone ? name : `${name}, ${timeZone}`})`;
}

/** Start and end of the occurrence that starts (originally) at `occurrence`, moves applied. */
function occurrenceTimes(meeting: RenderMailInput['meeting'], occurrence: string): { start: Date; end: Date } {
  const original = new Date(occurrence);
  const duration = meeting.endsAt.getTime() - meeting.startsAt.getTime();
  const exception = (meeting.recurrenceExceptions ?? []).find((e) => new Date(e.occurrence).getTime() === original.getTime());
  const start = exception?.startsAt ? new Date(exception.startsAt) : original;
  const end = exception?.endsAt ? new Date(exception.endsAt) : new Date(start.getTime() + duration);
  return { start, end };
}

/** What an update changed, one line each (old → new); none when the payload has no `previous`. */
function changeLines(input: RenderMailInput, t: ReturnType<typeof mailTranslator>, when: string): string[] {
  const previous = input.previous;
  if (!previous) return [];
  const lines: string[] = [];
  if (previous.startsAt && previous.endsAt) {
    const from = formatWhen(new Date(previous.startsAt), new Date(previous.endsAt), input.locale, input.timezone);
    lines.push(t('change.when', { from, to: when }));
  }
  if (typeof previous.title === 'string') lines.push(t('change.title', { from: oneLine(previous.title), to: oneLine(input.meeting.title) }));
  if (previous.description) lines.push(t('change.description'));
  return lines;
}

/** Subject, plain text and HTML of one mail, in the invitee's language and time zone. */
export function renderMail(input: RenderMailInput): RenderedMail {
  const { kind, locale, meeting, invitation } = input;
  const t = mailTranslator(locale);
  const organizer = input.organizer ? oneLine(input.organizer.name || input.organizer.email) : undefined;
  const title = oneLine(meeting.title);
  const params = { organizer: organizer ?? oneLine(input.productName), title, product: input.productName, email: invitation.email };
  // Without an organizer (deleted, only cancellations are sent) the mail names no person:
  // "… has been cancelled", "Sent by <product>".
  const orphan = organizer === undefined ? '.orphan' : '';

  const single = input.occurrence ? occurrenceTimes(meeting, input.occurrence) : undefined;
  const when = single ? formatWhen(single.start, single.end, locale, input.timezone) : formatWhen(meeting.startsAt, meeting.endsAt, locale, input.timezone);
  const withLink = kind !== 'cancel';
  // The rule in words ("Every Monday and Thursday, 12 times"), never FREQ=…; its weekdays are those of the meeting's zone.
  const seriesNote =
    meeting.rrule && !single && kind !== 'cancel'
      ? `${describeRecurrence(meeting.rrule, locale, meeting.timezone ?? input.timezone, meeting.startsAt)}. ${t('series.text')}`
      : undefined;

  // Paragraphs as [label?, value] so plain text and HTML say the same thing.
  const facts: [string, string][] = [[t('label.when'), when]];
  if (seriesNote) facts.push([t('label.series'), seriesNote]);
  if (kind !== 'cancel') facts.push([t('label.role'), t(invitation.role === 'moderator' ? 'role.moderator' : 'role.participant')]);
  const description = plainText(meeting.description).trim();

  const revoked = kind === 'cancel' && input.revoked === true;
  const changes = kind === 'update' ? changeLines(input, t, when) : [];
  const intro = t(
    revoked ? 'cancel.intro.revoked' : kind === 'cancel' ? `cancel.intro${orphan}` : changes.length ? 'update.intro.changes' : (`${kind}.intro` as MailKey),
    params,
  );
  const supportLine = input.branding?.supportContact ? t('support', { contact: oneLine(input.branding.supportContact) }) : '';
  const mailFooter = plainText(input.branding?.mailFooter ?? '').trim();
  const logoUrl = input.branding?.logoUrl && /^https?:\/\//.test(input.branding.logoUrl) ? input.branding.logoUrl : '';
  const cancelLines =
    kind === 'update' ? changes : kind === 'cancel' ? [revoked ? t('cancel.body.revoked') : single ? t('cancel.occurrence', { when }) : t('cancel.body')] : [];
  const subject = oneLine(t(revoked ? 'cancel.subject.revoked' : (`${kind}.subject` as MailKey), params));

  const text = [
    intro,
    ...cancelLines,
    facts.map(([label, value]) => `${label}: ${value}`).join('\n'),
    description && kind !== 'cancel' ? `${t('label.description')}:\n${description}` : '',
    withLink ? `${t('link.intro')}\n${input.link}\n\n${t('link.personal', params)}` : '',
    kind === 'reminder' ? '' : t('ics.hint'),
    `-- \n${[t(`footer${orphan}` as MailKey, params), supportLine, mailFooter].filter(Boolean).join('\n')}`,
  ]
    .filter(Boolean)
    .join('\n\n');

  const e = escapeHtml;
  const paragraph = (value: string) => `<p>${e(value).replace(/\n/g, '<br>')}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>`,
    '<body style="font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em; margin: 0 auto; padding: 1em;">',
    logoUrl ? `<p><img src="${e(logoUrl)}" alt="${e(input.productName)}" style="max-height: 48px;"></p>` : '',
    `<p style="font-size: 1.1em;">${e(intro)}</p>`,
    ...cancelLines.map((line) => `<p><strong>${e(line)}</strong></p>`),
    '<table role="presentation" style="border-collapse: collapse;">',
    ...facts.map(
      ([label, value]) =>
        `<tr><th style="text-align: left; vertical-align: top; padding: 0.2em 1em 0.2em 0;">${e(label)}</th><td style="padding: 0.2em 0;">${e(value)}</td></tr>`,
    ),
    '</table>',
    description && kind !== 'cancel' ? `<h2 style="font-size: 1em;">${e(t('label.description'))}</h2>${paragraph(description)}` : '',
    withLink
      ? `<p>${e(t('link.intro'))}</p><p><a href="${e(input.link)}" style="display: inline-block; padding: 0.6em 1.2em; background: #0b5fff; color: #fff; text-decoration: none; border-radius: 4px;">${e(t('link.button'))}</a></p><p style="word-break: break-all;"><a href="${e(input.link)}">${e(input.link)}</a></p><p style="color: #555;">${e(t('link.personal', params))}</p>`
      : '',
    kind === 'reminder' ? '' : `<p style="color: #555;">${e(t('ics.hint'))}</p>`,
    `<hr><p style="color: #777; font-size: 0.9em;">${e(t(`footer${orphan}` as MailKey, params))}</p>`,
    supportLine ? `<p style="color: #777; font-size: 0.9em;">${e(supportLine)}</p>` : '',
    mailFooter ? `<div style="color: #777; font-size: 0.9em;">${paragraph(mailFooter)}</div>` : '',
    '</body></html>',
  ]
    .filter(Boolean)
    .join('\n');

  return { subject, text, html };
}
