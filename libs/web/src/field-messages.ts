import { MAX_PAGE, pageNumberMessage, unsafeTextMessage, type FieldError } from '@moderato/core';
import type { Translate } from '@moderato/i18n';

/**
 * Field messages that pages show in the person's language. DTOs and the API speak English;
 * the messages listed here have a translation, anything else is shown as it is.
 */
export function localizeFieldMessage(field: string, message: string, t: Translate): string {
  // The message names its field, which may be nested (invitees.3.name) under a form's field.
  const named = /^(\S+) /.exec(message)?.[1] ?? field;
  if (message === pageNumberMessage(named)) return t('error.fields.page', { field: named, max: MAX_PAGE });
  if (message === unsafeTextMessage(named)) return t('error.fields.unsafeText', { field: named });
  return message;
}

export function localizeFieldErrors(errors: FieldError[], t: Translate): FieldError[] {
  return errors.map(({ field, messages }) => ({ field, messages: messages.map((message) => localizeFieldMessage(field, message, t)) }));
}

/** A form's errors (`{ field: messages }`) in the person's language. */
export function localizeFormErrors(errors: Record<string, string[]>, t: Translate): Record<string, string[]> {
  return Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field, messages.map((message) => localizeFieldMessage(field, message, t))]));
}
