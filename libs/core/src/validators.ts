import { registerDecorator, type ValidationOptions } from 'class-validator';
import type { FieldError } from './domain-error';

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as Europe/Berlin. */
export function IsTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone such as Europe/Berlin`, ...options },
      validator: { validate: (value: unknown) => isTimeZone(value) },
    });
}

/** ISO 8601 date-time with an explicit offset or Z, e.g. 2026-12-01T08:00:00+01:00. */
export const ISO_DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The highest page number a list accepts (and the range its message names). */
export const MAX_PAGE = 100_000;

export function pageNumberMessage(field = 'page'): string {
  return `${field} must be a whole number from 1 to ${MAX_PAGE}`;
}

export function isPageNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_PAGE;
}

/**
 * A list's page number from a query string: a whole number from 1 to MAX_PAGE; `undefined` or ''
 * is page 1. Anything else (-1, abc, 1e3, 99999999999999999999, repeated) is `undefined`.
 */
export function parsePageNumber(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return 1;
  if (typeof raw !== 'string' || !/^\s*\d{1,6}\s*$/.test(raw)) return undefined;
  const page = Number(raw);
  return isPageNumber(page) ? page : undefined;
}

/** A list's page number (after `@Transform` of a query string): one message that says what is allowed. */
export function IsPageNumber(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPageNumber',
      target: target.constructor,
      propertyName,
      options: { message: pageNumberMessage(propertyName), ...options },
      validator: { validate: (value: unknown) => isPageNumber(value) },
    });
}

/** How deep a request body may nest (objects and arrays); Moderato's deepest DTO needs 3. */
export const MAX_INPUT_DEPTH = 16;

export function unsafeTextMessage(field: string): string {
  return `${field} must not contain NUL characters or unpaired UTF-16 surrogates`;
}

/** True for text PostgreSQL cannot store (NUL) or that is not Unicode (a lone surrogate). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isUnsafeText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/**
 * Every string in a request's input (body, query, route parameters; keys included) that
 * contains NUL or an unpaired surrogate, as one field error each, named by its path
 * (`invitees.3.name`). Walks without recursion, at most MAX_INPUT_DEPTH deep.
 */
export function findUnsafeText(input: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: root, depth: 0 }];
  const seen = new Set<string>();
  const report = (path: string) => {
    const field = path || 'body';
    if (seen.has(field)) return;
    seen.add(field);
    errors.push({ field, messages: [unsafeTextMessage(field)] });
  };
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (isUnsafeText(value)) report(path);
      continue;
    }
    if (!value || typeof value !== 'object' || depth >= MAX_INPUT_DEPTH || Buffer.isBuffer(value)) continue;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      // A bad key is named escaped (its own text could not be shown).
      const name = isUnsafeText(key) ? JSON.stringify(key).slice(1, -1) : key;
      const childPath = path ? `${path}.${name}` : name;
      if (name !== key) report(childPath);
      else stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return errors.reverse();
}

/** How deeply `value` nests objects and arrays, counted without recursion up to `limit` + 1. */
export function nestingDepthExceeds(value: unknown, limit = MAX_INPUT_DEPTH): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length) {
    const { value: current, depth } = stack.pop()!;
    if (!current || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current as Record<string, unknown>))
      if (child && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
