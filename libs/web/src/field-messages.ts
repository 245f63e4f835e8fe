import { MAX_PAGE, pageNumberMessage, unsafeTextMessage, type FieldError } from '@moderato/core';
import type { MessageKey, Translate, TextParams } from '@moderato/i18n';

/**
 * What a field message says, whatever its wording: a constraint (`empty`, `tooLong`, …) and the
 * numbers it names. The DTOs' own messages and class-validator's defaults are read here, so the
 * API keeps its English messages while pages speak to people in their language.
 */
interface Reading {
  constraint: string;
  params?: TextParams;
}

/** The part after the field's name, as the DTOs and class-validator phrase it. */
const CONSTRAINTS: [RegExp, (match: RegExpExecArray) => Reading][] = [
  [/^(?:must not be empty|should not be empty)$/, () => ({ constraint: 'empty' })],
  [/^must be (?:at most|shorter than or equal to) (\d+) characters$/, (m) => ({ constraint: 'tooLong', params: { max: Number(m[1]) } })],
  [/^must (?:be at least|have at least|be longer than or equal to) (\d+) characters\b/, (m) => ({ constraint: 'tooShort', params: { min: Number(m[1]) } })],
  [/^must be an ISO 8601 date-time with offset\b/, () => ({ constraint: 'dateTime' })],
  [/^must be an IANA time zone\b/, () => ({ constraint: 'timezone' })],
  [/^must be a date from (\d+) to (\d+), such as (\S+)$/, (m) => ({ constraint: 'date', params: { min: Number(m[1]), max: Number(m[2]), example: m[3] } })],
  [/^must be (?:the id of a Jitsi server|one of the registered servers|a server id)$/, () => ({ constraint: 'server' })],
  [/^must be an email(?: address)?$/, () => ({ constraint: 'email' })],
  [/^must be a whole number of (minutes|hours|days)\b/, (m) => ({ constraint: `whole.${m[1]}` })],
  [/^must be an integer number$/, () => ({ constraint: 'integer' })],
  [/^must not be greater than (\d+)$/, (m) => ({ constraint: 'max', params: { max: Number(m[1]) } })],
  [/^must not be less than (\d+)$/, (m) => ({ constraint: 'min', params: { min: Number(m[1]) } })],
  [/^must be between (\d+) and (\d+)$/, (m) => ({ constraint: 'range', params: { min: Number(m[1]), max: Number(m[2]) } })],
  [/^must be (?:text|a string)$/, () => ({ constraint: 'text' })],
  [/^must be an http\(s\) URL\b/, () => ({ constraint: 'url' })],
  [/^must be an https:\/\/ URL$/, () => ({ constraint: 'httpsUrl' })],
  [/^must be a domain name\b/, () => ({ constraint: 'domain' })],
  [/^must be 1-200 visible ASCII characters without spaces$/, () => ({ constraint: 'visibleAscii' })],
  [/^must not be allowed: your organisation does not let organizers allow it\b/, () => ({ constraint: 'featureNotAllowed' })],
  [/^may contain only a-z, 0-9 and single hyphens\b/, () => ({ constraint: 'slug' })],
  [/^must be (?:one of (?:the following values: )?.+|\S+ or \S+|none, daily, weekly or monthly)$/, () => ({ constraint: 'choice' })],
];

/** Whole messages of the forms that do not start with a field's name. */
const WHOLE_MESSAGES: Record<string, Reading & { field: string }> = {
  'a series needs 2 to 500 occurrences': { field: 'count', constraint: 'range', params: { min: 2, max: 500 } },
};

/** The field a message names ("invitees.3.email must …" → email), and what it says of it. */
function readMessage(field: string, message: string): (Reading & { field: string }) | undefined {
  if (message in WHOLE_MESSAGES) return WHOLE_MESSAGES[message];
  const named = /^(\S+) (?=must |may |should )/.exec(message);
  const rest = named ? message.slice(named[0].length) : message;
  const path = (named?.[1] ?? field).split('.').filter((part) => !/^\d+$/.test(part));
  for (const [pattern, read] of CONSTRAINTS) {
    const match = pattern.exec(rest);
    if (match) return { field: path[path.length - 1] ?? field, ...read(match) };
  }
  return undefined;
}

/**
 * The person's text for a reading: the field's own (`error.fields.title.empty`: "Enter a title")
 * when there is one, else the constraint's (`error.fields.empty`), which does not name the field
 * (the text stands beside it).
 */
function textOf(reading: Reading & { field: string }, t: Translate): string | undefined {
  for (const key of [`error.fields.${reading.field}.${reading.constraint}`, `error.fields.${reading.constraint}`]) {
    const text = t(key as MessageKey, reading.params);
    if (text !== key) return text;
  }
  return undefined;
}

/**
 * Field messages that pages show in the person's language. DTOs and the API speak English;
 * a message this file cannot read is shown as it is.
 */
export function localizeFieldMessage(field: string, message: string, t: Translate): string {
  // The message names its field, which may be nested (invitees.3.name) under a form's field.
  const named = /^(\S+) /.exec(message)?.[1] ?? field;
  if (message === pageNumberMessage(named)) return t('error.fields.page', { field: named, max: MAX_PAGE });
  if (message === unsafeTextMessage(named)) return t('error.fields.unsafeText', { field: named });
  const reading = readMessage(field, message);
  return (reading && textOf(reading, t)) ?? message;
}

export function localizeFieldErrors(errors: FieldError[], t: Translate): FieldError[] {
  return errors.map(({ field, messages }) => ({ field, messages: messages.map((message) => localizeFieldMessage(field, message, t)) }));
}

/** A form's errors (`{ field: messages }`) in the person's language. */
export function localizeFormErrors(errors: Record<string, string[]>, t: Translate): Record<string, string[]> {
  return Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field, messages.map((message) => localizeFieldMessage(field, message, t))]));
}
