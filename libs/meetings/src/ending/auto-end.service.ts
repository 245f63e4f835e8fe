import { Injectable, Logger } from '@nestjs/common';
import { Clock, DomainError } from '@moderato/core';
import { EndMeetingCall, JitsiServersService, endMeetingSupport, type JitsiServer } from '@moderato/jitsi';
import { PolicyService } from '@moderato/policy';
import { MeetingScheduleInvalid } from '../meetings.errors';
import { occurrencesOf } from '../occurrences';
import { EndMeetingService } from './end-meeting.service';
import { MeetingEndsStore } from './meeting-ends.store';

/** How far back a pass looks for dates to end (a worker that was down catches up this far). */
export const AUTO_END_LOOKBACK_MS = 6 * 3600_000;

export interface AutoEndCounts {
  ended: number;
  notRunning: number;
  failed: number;
}

/**
 * The automatic end: each date of a meeting that asks for it (its option, else the policy) is
 * ended for everyone at its scheduled end plus the policy's grace, through muc_end_meeting as the
 * button does, on servers that can (RS256 with a Prosody HTTP base URL). Nobody is warned: the
 * module set cannot post a message into the room. A date ended before (by a person) is left alone;
 * a failed call is logged and tried again by the next pass.
 */
@Injectable()
export class AutoEndService {
  private readonly logger = new Logger('AutoEnd');

  constructor(
    private readonly ends: MeetingEndsStore,
    private readonly ending: EndMeetingService,
    private readonly call: EndMeetingCall,
    private readonly servers: JitsiServersService,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async runOnce(): Promise<AutoEndCounts> {
    const counts: AutoEndCounts = { ended: 0, notRunning: 0, failed: 0 };
    const now = this.clock.now();
    const policy = await this.policy.current();
    const grace = policy.autoEndGraceMinutes * 60_000;
    const since = new Date(now.getTime() - grace - AUTO_END_LOOKBACK_MS);
    const servers = new Map<string, JitsiServer | null>();
    for (const meeting of await this.ends.autoEndCandidates(policy.autoEndMeetings, since, now)) {
      if (!servers.has(meeting.serverId)) servers.set(meeting.serverId, await this.servers.find(meeting.serverId));
      const server = servers.get(meeting.serverId);
      if (!server || endMeetingSupport(server) !== 'ready') continue;
      let due;
      try {
        due = occurrencesOf(meeting, since, now).filter((o) => o.endsAt.getTime() + grace <= now.getTime() && o.endsAt.getTime() + grace > since.getTime());
      } catch (error) {
        if (error instanceof MeetingScheduleInvalid) continue;
        throw error;
      }
      for (const occurrence of due) {
        if (await this.ends.find(meeting.id, occurrence.occurrence)) continue;
        try {
          const room = await this.call.end(server, meeting.roomName);
          // No person ended it: the pages name "Moderato (scheduled end)" in their language.
          await this.ending.record(meeting, occurrence, room, { id: null, name: '', label: 'Moderato (scheduled end)', ip: null });
          counts[room === 'ended' ? 'ended' : 'notRunning'] += 1;
        } catch (error) {
          counts.failed += 1;
          this.logger.warn(
            { meetingId: meeting.id, occurrence: occurrence.occurrence.toISOString(), error: error instanceof DomainError ? error.code : String(error) },
            'Automatic end failed',
          );
        }
      }
    }
    return counts;
  }
}
