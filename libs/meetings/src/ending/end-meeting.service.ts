import { Injectable } from '@nestjs/common';
import { AuditService } from '@moderato/audit';
import { Clock, ConflictError, DomainError, ForbiddenError, InvalidInputError } from '@moderato/core';
import { Transactions } from '@moderato/database';
import { EndMeetingCall, EndMeetingNeedsRs256, EndMeetingNotConfigured, JitsiServersService, endMeetingSupport, type EndMeetingSupport } from '@moderato/jitsi';
import type { Caller } from '../caller';
import { JoinWindows } from '../join-windows';
import type { Meeting } from '../meeting.entity';
import { MeetingCancelled, MeetingNotFound } from '../meetings.errors';
import { MeetingsStore } from '../meetings.store';
import { occurrencesOf, type Occurrence } from '../occurrences';
import { MeetingEnd } from './meeting-end.entity';
import { MeetingEndsStore } from './meeting-ends.store';

/** An occurrence may still be ended this long after its join window closed (the room may outlive it). */
const ENDABLE_AFTER_CLOSE_MS = 24 * 3600_000;

export class EndMeetingForbidden extends ForbiddenError {
  constructor() {
    super('END_MEETING_FORBIDDEN', 'Only the organizer, co-moderators and admins may end this meeting');
  }
}

export class NoRunningOccurrence extends ConflictError {
  constructor() {
    super('NO_RUNNING_OCCURRENCE', 'No date of this meeting is running now (its join window is not open): name the occurrence to end');
  }
}

export interface EndMeetingOffer {
  support: EndMeetingSupport;
  occurrence?: Occurrence;
  endedBy?: string;
}

export interface MeetingEnded {
  meeting: Meeting;
  occurrence: Occurrence;
  /** `ended`: Prosody closed the room; `not_running`: there was no room (nobody in it). */
  room: 'ended' | 'not_running';
  endedAt: Date;
}

/**
 * End the meeting for everyone: Prosody's muc_end_meeting closes the room (EndMeetingCall), then
 * the occurrence is recorded as ended, so the join refuses new tokens for it. The organizer,
 * co-moderators (moderator invitees) and admins may; other invitees get a 403.
 */
@Injectable()
export class EndMeetingService {
  constructor(
    private readonly meetings: MeetingsStore,
    private readonly ends: MeetingEndsStore,
    private readonly windows: JoinWindows,
    private readonly servers: JitsiServersService,
    private readonly call: EndMeetingCall,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The meeting, if the caller may end it (404 for a stranger, 403 for an invitee who is no moderator). */
  async endable(caller: Caller, id: string): Promise<Meeting> {
    const meeting = await this.meetings.byId(id);
    if (!meeting) throw new MeetingNotFound(id);
    if (meeting.organizerId === caller.user.id || caller.roles.includes('admin')) return meeting;
    if (await this.ends.isCoModerator(meeting.id, caller.user)) return meeting;
    if (await this.ends.isInvited(meeting.id, caller.user)) throw new EndMeetingForbidden();
    throw new MeetingNotFound(id);
  }

  /** The occurrence `given` names (its original start or its start), or the running one. */
  occurrenceToEnd(meeting: Meeting, given?: string): Occurrence {
    const now = this.clock.now();
    if (given === undefined || given === '') {
      const window = this.windows.stateOf(meeting, now);
      if (window.state !== 'open') throw new NoRunningOccurrence();
      return window.occurrence;
    }
    const at = new Date(given);
    const invalid = () =>
      new InvalidInputError([
        { field: 'occurrence', messages: ['occurrence must be the start (ISO 8601) of a date of this meeting that has begun and is not long over'] },
      ]);
    if (Number.isNaN(at.getTime())) throw invalid();
    const before = meeting.joinBeforeMinutes * 60_000;
    const after = meeting.joinAfterMinutes * 60_000;
    const found = occurrencesOf(meeting, new Date(at.getTime() - 3600_000), new Date(at.getTime() + 3600_000)).find(
      (o) => o.occurrence.getTime() === at.getTime() || o.startsAt.getTime() === at.getTime(),
    );
    if (!found || found.startsAt.getTime() - before > now.getTime() || found.endsAt.getTime() + after + ENDABLE_AFTER_CLOSE_MS < now.getTime()) throw invalid();
    return found;
  }

  async end(caller: Caller, id: string, given?: string): Promise<MeetingEnded> {
    const meeting = await this.endable(caller, id);
    if (meeting.cancelledAt) throw new MeetingCancelled();
    const server = await this.servers.get(meeting.serverId);
    // Why a server cannot end meetings comes first: it holds for every date.
    const support = endMeetingSupport(server);
    if (support === 'needs_rs256') throw new EndMeetingNeedsRs256();
    if (support === 'not_configured') throw new EndMeetingNotConfigured();
    const occurrence = this.occurrenceToEnd(meeting, given);
    const actor = { id: caller.user.id, label: caller.user.email };
    let room: 'ended' | 'not_running';
    try {
      room = await this.call.end(server, meeting.roomName);
    } catch (error) {
      if (error instanceof DomainError) {
        await this.audit.record({
          action: 'meeting.end_failed',
          actor,
          ip: caller.ip ?? null,
          subject: { type: 'meeting', id: meeting.id },
          metadata: { occurrence: occurrence.occurrence.toISOString(), code: error.code },
        });
      }
      throw error;
    }
    return this.record(meeting, occurrence, room, { id: caller.user.id, name: caller.user.displayName, label: caller.user.email, ip: caller.ip ?? null });
  }

  /** The end of `occurrence` recorded (the first one stays) and audited. */
  async record(
    meeting: Meeting,
    occurrence: Occurrence,
    room: 'ended' | 'not_running',
    by: { id: string | null; name: string; label: string; ip: string | null },
  ): Promise<MeetingEnded> {
    const endedAt = this.clock.now();
    await this.transactions.run(async (tx) => {
      const end = Object.assign(new MeetingEnd(), {
        meetingId: meeting.id,
        occurrence: occurrence.occurrence,
        endedAt,
        endedById: by.id,
        endedByName: by.name,
        automatic: by.id === null,
      });
      await this.ends.record(end, tx);
      await this.audit.record(
        {
          action: 'meeting.ended',
          actor: { id: by.id, label: by.label },
          ip: by.ip,
          subject: { type: 'meeting', id: meeting.id },
          metadata: { occurrence: occurrence.occurrence.toISOString(), room, roomName: meeting.roomName, automatic: by.id === null },
        },
        tx,
      );
    });
    return { meeting, occurrence, room, endedAt };
  }

  /**
   * What the pages offer: whether the server can end meetings, the running occurrence (none when
   * no join window is open or the meeting is cancelled) and who ended it already.
   */
  async offer(meeting: Meeting): Promise<EndMeetingOffer> {
    const support = endMeetingSupport(await this.servers.get(meeting.serverId));
    const window = this.windows.stateOf(meeting);
    if (meeting.cancelledAt || window.state !== 'open') return { support };
    const end = await this.ends.find(meeting.id, window.occurrence.occurrence);
    return { support, occurrence: window.occurrence, endedBy: end?.endedByName };
  }

  /** The end of an occurrence, for pages (null when it was not ended). */
  endOf(meetingId: string, occurrence: Date): Promise<MeetingEnd | null> {
    return this.ends.find(meetingId, occurrence);
  }
}
