import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { InvalidInputError, findUnsafeText, type FieldError } from '@moderato/core';

/** Flattens class-validator errors to `{ field: "a.b", messages }`, one entry per field. */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/** Field errors of both lists, one entry per field (messages of the same field joined). */
function mergeFieldErrors(first: FieldError[], second: FieldError[]): FieldError[] {
  const byField = new Map<string, string[]>();
  for (const { field, messages } of [...first, ...second]) byField.set(field, [...(byField.get(field) ?? []), ...messages]);
  return [...byField].map(([field, messages]) => ({ field, messages }));
}

/**
 * The global pipe: unknown fields are refused, values are converted to the DTO's types, and
 * a failure is a 400 with a message per field (never a 500). Every string a handler receives
 * from the body, the query or the path (a DTO's or a raw one: `@Query('q')`, a page's form
 * body) is also refused when it holds NUL or an unpaired surrogate, which PostgreSQL cannot
 * store in text or jsonb.
 */
class MdtValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const unsafe = metadata.type === 'custom' ? [] : findUnsafeText(value, metadata.data ?? '');
    if (!unsafe.length) return super.transform(value, metadata);
    let invalid: FieldError[] = [];
    try {
      await super.transform(value, metadata);
    } catch (error) {
      // Some validators throw on such text (isEmail: URIError); the unsafe text is the answer.
      if (error instanceof InvalidInputError) invalid = error.details as FieldError[];
    }
    throw new InvalidInputError(mergeFieldErrors(unsafe, invalid));
  }
}

export function createValidationPipe(): ValidationPipe {
  return new MdtValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InvalidInputError(toFieldErrors(errors)),
  });
}
