/**
 * Base class for every error a lib throws on purpose. Libs never throw HTTP exceptions:
 * each app has one global filter that maps `kind` to a status and `code` to a message.
 */
export type DomainErrorKind =
  | 'invalid' // 400: the input breaks a rule
  | 'unauthenticated' // 401: a login is needed
  | 'forbidden' // 403: logged in, not allowed
  | 'not_found' // 404
  | 'conflict' // 409: e.g. a stale edit (optimistic locking)
  | 'gone' // 410: e.g. a cancelled meeting
  | 'rate_limited' // 429: too many requests
  | 'unavailable'; // 503: a dependency is down

export interface FieldError {
  field: string;
  messages: string[];
}

export class DomainError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `INVITATION_REVOKED`. */
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown> | FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', 'not_found', `${what} not found`, details);
  }
}

export class InvalidInputError extends DomainError {
  constructor(fields: FieldError[], message = 'The input is invalid') {
    super('VALIDATION_FAILED', 'invalid', message, fields);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code = 'FORBIDDEN', message = 'You are not allowed to do this') {
    super(code, 'forbidden', message);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, 'conflict', message, details);
  }
}
