import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '@moderato/core';

export class MeetingNotFound extends NotFoundError {
  constructor(id: string) {
    super('Meeting', { id });
  }
}

export class MeetingVersionConflict extends ConflictError {
  constructor(expected: number, actual: number) {
    super('MEETING_VERSION_CONFLICT', 'Someone changed this meeting in the meantime; reload and try again', { expected, actual });
  }
}

export class MeetingCancelled extends DomainError {
  constructor() {
    super('MEETING_CANCELLED', 'gone', 'This meeting was cancelled');
  }
}

export class NoServerAvailable extends DomainError {
  constructor() {
    super('NO_SERVER_AVAILABLE', 'invalid', 'No enabled Jitsi server is available to you; ask an administrator to add one', [
      { field: 'serverId', messages: ['no enabled Jitsi server is available to you'] },
    ]);
  }
}

/** The same "New meeting" form came again (two tabs, a double click): its meeting exists. */
export class MeetingAlreadyCreated extends ConflictError {
  constructor(readonly meetingId: string) {
    super('MEETING_ALREADY_CREATED', 'This form has already created its meeting', { meetingId });
  }
}

export class DuplicateInvitees extends ConflictError {
  constructor(emails: string[]) {
    super('INVITEE_ALREADY_INVITED', `Already invited: ${emails.join(', ')}`, { emails });
  }
}

export const fieldError = (field: string, message: string) => new InvalidInputError([{ field, messages: [message] }]);

export class InvitationNotFound extends NotFoundError {
  constructor(id: string) {
    super('Invitation', { id });
  }
}
