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

export type LoginFailure = 'no_transaction' | 'state_mismatch' | 'idp_error' | 'invalid_response' | 'missing_email' | 'invalid_credentials';

/** The sign-in did not complete (tampered or replayed callback, IdP error…). */
export class LoginFailed extends DomainError {
  constructor(
    readonly failure: LoginFailure,
    detail?: string,
  ) {
    super('LOGIN_FAILED', 'invalid', 'Sign-in did not complete', { failure, ...(detail ? { detail } : {}) });
  }
}

/**
 * The identity provider (or, with `source: 'ldap'`, the directory) cannot be reached; with
 * `cause: 'configuration'` it answers but refuses Moderato's own settings (search account, base DN).
 */
export class SignInUnavailable extends DomainError {
  constructor(detail: string, source: 'oidc' | 'ldap' = 'oidc', cause: 'down' | 'configuration' = 'down') {
    super('SIGN_IN_UNAVAILABLE', 'unavailable', 'Sign-in is unavailable right now', { detail, source, cause });
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
    super('API_TOKEN_SCOPE_MISSING', 'forbidden', needed ? `This API token lacks the scope ${needed}` : 'This route cannot be used with an API token', {
      needed,
    });
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

/** An admin tried to delete their own account (issue 18: ask another admin). */
export class SelfDeletion extends DomainError {
  constructor() {
    super('SELF_DELETION', 'invalid', 'You cannot delete your own account', [{ field: 'user', messages: ['you cannot delete your own account'] }]);
  }
}

/** Deleting this person would leave no enabled administrator. */
export class LastAdmin extends DomainError {
  constructor() {
    super('LAST_ADMIN', 'invalid', 'This is the last administrator: make someone else an administrator first', [
      { field: 'user', messages: ['this is the last administrator: make someone else an administrator first'] },
    ]);
  }
}

export class UserNotFound extends DomainError {
  constructor() {
    super('USER_NOT_FOUND', 'not_found', 'User not found');
  }
}

/** Why an LDAP sign-in was refused (for the audit log only: people see one generic message). */
export type CredentialsProblem = 'empty_password' | 'invalid_username' | 'unknown_user' | 'ambiguous_user' | 'wrong_password' | 'too_many_failures';

/** Wrong username or password, in whatever way: the page shows one message for all of them. */
export class InvalidCredentials extends LoginFailed {
  constructor(readonly problem: CredentialsProblem) {
    super('invalid_credentials', problem);
  }
}

/** The directory (LDAP) is not set up, so there is nothing to search. */
export class DirectoryNotConfigured extends DomainError {
  constructor() {
    super('DIRECTORY_NOT_CONFIGURED', 'not_found', 'No directory is configured for searching people and groups');
  }
}

/** The directory does not answer (down, timeout, TLS). */
export class DirectoryUnavailable extends DomainError {
  constructor(detail: string) {
    super('DIRECTORY_UNAVAILABLE', 'unavailable', 'The directory is unavailable right now', { detail });
  }
}

/**
 * The directory answers but refuses Moderato's configuration (the search account cannot bind,
 * a base DN does not exist, no right to search): only an administrator can fix it.
 */
export class DirectoryMisconfigured extends DomainError {
  constructor(detail: string) {
    super('DIRECTORY_MISCONFIGURED', 'unavailable', "The directory refuses Moderato's configuration: an administrator must correct the LDAP settings", {
      detail,
    });
  }
}

/**
 * The group exists but the configured LDAP_GROUP_MEMBERSHIP cannot read its members (e.g. a
 * posixGroup, whose members are memberUid values, under memberOf or member).
 */
export class DirectoryGroupUnreadable extends DomainError {
  constructor(name: string, membership: string) {
    super(
      'DIRECTORY_GROUP_UNREADABLE',
      'invalid',
      `The members of ${name} cannot be read with the directory's group setting (${membership}); invite its members one by one or ask an administrator`,
      {
        group: name,
        membership,
      },
    );
  }
}

export class DirectoryGroupNotFound extends DomainError {
  constructor(name: string) {
    super('DIRECTORY_GROUP_NOT_FOUND', 'not_found', `There is no group named ${name} in the directory`, { group: name });
  }
}
