import { DomainError } from '@moderato/core';

/** No (valid) session: pages redirect to the login, the API answers 401. */
export class LoginRequired extends DomainError {
  constructor(readonly reason: 'none' | 'expired' | 'revoked' = 'none') {
    super('LOGIN_REQUIRED', 'unauthenticated', 'Please sign in', { reason });
  }
}

export class RoleRequired extends DomainError {
  constructor(role: string) {
    super('ROLE_REQUIRED', 'forbidden', `This needs the ${role} role`, { role });
  }
}

export class AccountDisabled extends DomainError {
  constructor() {
    super('ACCOUNT_DISABLED', 'forbidden', 'This account is disabled');
  }
}

export type LoginFailure = 'no_transaction' | 'state_mismatch' | 'idp_error' | 'invalid_response' | 'missing_email';

/** The sign-in did not complete (tampered or replayed callback, IdP error…). */
export class LoginFailed extends DomainError {
  constructor(readonly failure: LoginFailure, detail?: string) {
    super('LOGIN_FAILED', 'invalid', 'Sign-in did not complete', { failure, ...(detail ? { detail } : {}) });
  }
}

/** The identity provider cannot be reached. */
export class SignInUnavailable extends DomainError {
  constructor(detail: string) {
    super('SIGN_IN_UNAVAILABLE', 'unavailable', 'Sign-in is unavailable right now', { detail });
  }
}

export class SessionNotFound extends DomainError {
  constructor() {
    super('SESSION_NOT_FOUND', 'not_found', 'Session not found');
  }
}

/** A bearer token that is unknown, revoked, expired or belongs to a disabled account. */
export class ApiTokenRejected extends DomainError {
  constructor(reason: string) {
    super('API_TOKEN_INVALID', 'unauthenticated', 'The API token is invalid, expired or revoked', { reason });
  }
}

/** The API token lacks the scope this request needs (or the route takes no tokens at all). */
export class ApiTokenScopeMissing extends DomainError {
  constructor(needed: string | null) {
    super(
      'API_TOKEN_SCOPE_MISSING',
      'forbidden',
      needed ? `This API token lacks the scope ${needed}` : 'This route cannot be used with an API token',
      { needed },
    );
  }
}

/** An admin tried to take away their own admin rights or disable themselves. */
export class SelfLockout extends DomainError {
  constructor(field: string) {
    super('SELF_LOCKOUT', 'invalid', 'You cannot remove your own administrator rights or disable yourself', [
      { field, messages: ['you cannot remove your own administrator rights or disable yourself'] },
    ]);
  }
}

export class UserNotFound extends DomainError {
  constructor() {
    super('USER_NOT_FOUND', 'not_found', 'User not found');
  }
}
