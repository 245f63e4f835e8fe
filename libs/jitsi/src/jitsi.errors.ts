import { ConflictError, DomainError, NotFoundError } from '@moderato/core';

export class JitsiServerNotFound extends NotFoundError {
  constructor(id: string) {
    super('Jitsi server', { id });
  }
}

export class JitsiServerNameTaken extends ConflictError {
  constructor(name: string) {
    super('SERVER_NAME_TAKEN', `A Jitsi server named "${name}" already exists`, { field: 'name' });
  }
}

export class WrongSigningMode extends DomainError {
  constructor(action: string, mode: string) {
    super('WRONG_SIGNING_MODE', 'invalid', `${action} is not possible for a server that signs with ${mode}`);
  }
}

export class InteropCheckNotFound extends NotFoundError {
  constructor(id: string) {
    super('Server check', { id });
  }
}

export class InteropCheckAlreadyRecorded extends ConflictError {
  constructor(id: string) {
    super('INTEROP_ALREADY_RECORDED', 'The result of this server check has already been recorded; start a new test to record another', { id });
  }
}
