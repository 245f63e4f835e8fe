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

/** End meeting needs RS256 login tokens on the host: Prosody checks a system token's alg against the host's. */
export class EndMeetingNeedsRs256 extends ConflictError {
  constructor() {
    super(
      'END_MEETING_NEEDS_RS256',
      "End meeting is only possible on a server that signs with RS256: Prosody's muc_end_meeting accepts only tokens of the host's own algorithm, so an HS256 host refuses every system token (and switching that host to RS256 breaks its HS256 logins). Move the server to RS256 (docs/jitsi.md, 'End the meeting for everyone')",
    );
  }
}

/** The server has no Prosody HTTP base URL: Moderato cannot reach muc_end_meeting. */
export class EndMeetingNotConfigured extends ConflictError {
  constructor() {
    super('END_MEETING_NOT_CONFIGURED', "End meeting is not set up for this server: an admin must enter its Prosody HTTP base URL (the server's page)");
  }
}

/** Prosody answered 401: it did not accept the system token. */
export class ProsodyRefusedSystemToken extends DomainError {
  constructor() {
    super(
      'PROSODY_REFUSED_SYSTEM_TOKEN',
      'unavailable',
      "Prosody refused the system token (401): check that muc_end_meeting is enabled, that prosody_password_public_key_repo_url is Moderato's system key URL and reachable from Prosody, and that the server signs with RS256 and its app_id is the server's App id",
    );
  }
}

/** Prosody could not be reached, or answered something muc_end_meeting never answers. */
export class ProsodyUnreachable extends DomainError {
  constructor(url: string, reason: string) {
    super('PROSODY_UNREACHABLE', 'unavailable', `Prosody at ${url} could not end the meeting: ${reason}`, { url, reason });
  }
}
