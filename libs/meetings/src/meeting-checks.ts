import { InvalidInputError, type FieldError } from '@moderato/core';
import { PARTICIPANT_FEATURES, organizerMayAllow, type MeetingFeatures, type OrgPolicy } from '@moderato/policy';
import type { Caller } from './caller';
import type { InviteeDto } from './dto/meeting.dto';
import type { MeetingFeaturesDto } from './dto/meeting-features.dto';
import type { Meeting, MeetingOptions } from './meeting.entity';
import { InvalidSchedule, MeetingNotFound, MeetingVersionConflict } from './meetings.errors';
import { checkSchedule } from './schedule';

/** A meeting the caller may see: their own, or any for an admin. Others' (and none) are "not found". */
export function visibleTo(caller: Caller, id: string, meeting: Meeting | null): Meeting {
  if (!meeting || (meeting.organizerId !== caller.user.id && !caller.roles.includes('admin'))) throw new MeetingNotFound(id);
  return meeting;
}

/**
 * Optimistic locking: a change names the version it was based on (body or If-Match); an older one
 * is a conflict. `required`: an edit must name it; a cancel may leave it out.
 */
export function checkVersion(meeting: Meeting, version: number | undefined, required: boolean): void {
  if (version === undefined) {
    if (required) throw new InvalidInputError([{ field: 'version', messages: ['version (or If-Match) is required: the meeting version you edited'] }]);
    return;
  }
  if (meeting.version !== version) throw new MeetingVersionConflict(version, meeting.version);
}

/** checkSchedule() with the organisation policy; a refusal is a 400 with field messages. */
export function checkTimes(
  input: { startsAt: string; endsAt: string; timezone: string; recurrence?: string | null },
  policy: OrgPolicy,
  now: Date,
  isNew: boolean,
) {
  const checked = checkSchedule(input, { now, isNew, maxMeetingMinutes: policy.maxMeetingMinutes });
  if (!checked.ok) throw new InvalidSchedule(checked.problems);
  return checked.value;
}

/** Guest access only where the organisation allows it, and it implies "login not required". */
export function checkOptions(options: MeetingOptions, policy: OrgPolicy, previous?: MeetingOptions): MeetingOptions {
  // A meeting that already had guests keeps its setting when other fields change; turning it on needs the policy.
  if (options.guestAccess && !policy.guestAccessAllowed && !previous?.guestAccess) {
    throw new InvalidInputError([{ field: 'options.guestAccess', messages: ['guest access is not allowed by your organisation'] }]);
  }
  if (!options.guestAccess) return { ...options, guestAccess: false, requireLogin: true };
  return { ...options, requireLogin: false };
}

/** Nobody twice in one list (addresses compared in lower case). */
export function checkInviteeList(invitees: InviteeDto[]): void {
  const seen = new Map<string, number>();
  const problems: FieldError[] = [];
  invitees.forEach((invitee, index) => {
    const email = invitee.email.toLowerCase();
    if (seen.has(email)) problems.push({ field: `invitees.${index}.email`, messages: [`${email} is listed twice (also at ${seen.get(email)})`] });
    else seen.set(email, index);
  });
  if (problems.length) throw new InvalidInputError(problems);
}

/**
 * A meeting's participant features after a change: `given` over `previous` (null: back to the
 * default). Taking a feature away is always possible; allowing one only where the policy lets
 * organizers allow it (or its default already allows it), else a 400 naming the feature.
 */
export function checkFeatures(given: MeetingFeaturesDto | undefined, policy: OrgPolicy, previous: MeetingFeatures = {}): MeetingFeatures {
  if (!given) return previous;
  const next: MeetingFeatures = { ...previous };
  const problems: FieldError[] = [];
  for (const feature of PARTICIPANT_FEATURES) {
    const value = given[feature];
    if (value === undefined) continue;
    if (value === null) delete next[feature];
    else if (value && !organizerMayAllow(policy.participantFeatures, feature))
      problems.push({
        field: `features.${feature}`,
        messages: [`${feature} must not be allowed: your organisation does not let organizers allow it for participants`],
      });
    else next[feature] = value;
  }
  if (problems.length) throw new InvalidInputError(problems);
  return next;
}
