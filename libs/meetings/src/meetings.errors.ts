import { ConflictError, DomainError, InvalidInputError, NotFoundError, type FieldError } from '@moderato/core';
import { scheduleMessage, type ScheduleProblem } from './recurrence';

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

/**
 * A series whose stored rule cannot be expanded (saved before Moderato checked schedules, e.g.
 * BYDAY=undefined): its pages say so and ask the organizer to edit it; nothing else breaks.
 */
export class MeetingScheduleInvalid extends DomainError {
  constructor(meetingId: string | undefined, reason: string) {
    super('MEETING_SCHEDULE_INVALID', 'conflict', 'The schedule of this meeting is invalid: edit it (its repetition) to fix it', {
      ...(meetingId ? { meetingId } : {}),
      reason,
    });
  }

  /** Why the schedule cannot be expanded (as in `details`). */
  get reason(): string | undefined {
    return (this.details as { reason?: string }).reason;
  }
}

/**
 * A schedule refused by checkSchedule(): a 400 with English field messages for the API, and the
 * problems' codes for the pages, which show them in the person's language.
 */
export class InvalidSchedule extends InvalidInputError {
  constructor(readonly problems: ScheduleProblem[]) {
    const fields: FieldError[] = [];
    for (const problem of problems) {
      const entry = fields.find((field) => field.field === problem.field);
      if (entry) entry.messages.push(scheduleMessage(problem));
      else fields.push({ field: problem.field, messages: [scheduleMessage(problem)] });
    }
    super(fields);
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
