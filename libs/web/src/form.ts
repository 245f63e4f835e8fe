import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, findUnsafeText, type FieldError } from '@moderato/core';
import { toFieldErrors } from './validation';

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string[]>; input: Record<string, unknown> };

/**
 * Validates a submitted form with the same DTO (and so the same rules) as the REST API. On
 * failure the page re-renders the form with `errors` next to each field and the `input` kept.
 */
export async function validateForm<T extends object>(dto: new () => T, body: unknown): Promise<FormResult<T>> {
  const input = body && typeof body === 'object' ? { ...(body as Record<string, unknown>) } : {};
  delete input._csrf;
  const value = plainToInstance(dto, input);
  const problems = await validate(value, { whitelist: true, forbidNonWhitelisted: false });
  // NUL and unpaired surrogates: as the global pipe refuses them (forms built from other input).
  const unsafe = findUnsafeText(input);
  if (problems.length === 0 && unsafe.length === 0) return { ok: true, value };
  const errors: Record<string, string[]> = {};
  for (const { field, messages } of [...unsafe, ...toFieldErrors(problems)]) (errors[field] ??= []).push(...messages);
  return { ok: false, errors, input };
}

/**
 * The field errors of a service's refusal, for a form to show next to its fields: a DomainError
 * of kind `invalid` whose details are field errors. `formField` maps the API's field path to the
 * form's field name (`invitees.3.email` → `participants`). Undefined for any other error, which
 * the caller rethrows.
 */
export function formErrorsOf(error: unknown, formField: (apiField: string) => string = (field) => field): Record<string, string[]> | undefined {
  if (!(error instanceof DomainError) || error.kind !== 'invalid' || !Array.isArray(error.details)) return undefined;
  const errors: Record<string, string[]> = {};
  for (const { field, messages } of error.details as FieldError[]) (errors[formField(field)] ??= []).push(...messages);
  return errors;
}
