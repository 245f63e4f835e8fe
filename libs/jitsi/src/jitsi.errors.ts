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
