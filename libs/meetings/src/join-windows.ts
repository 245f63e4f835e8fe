import { Injectable } from '@nestjs/common';
import { Clock } from '@moderato/core';
import type { Meeting } from './meeting.entity';
import { MeetingScheduleInvalid } from './meetings.errors';
import { joinWindowOf, type Occurrence } from './occurrences';

/**
 * Where a meeting stands for joining at a moment: its stored schedule cannot be expanded, it is
 * over, or its current or next occurrence waits for its join window or has it open. Whether it
 * is cancelled is the caller's first question (lists still mark a cancelled series' schedule).
 */
export type JoinState =
  { state: 'invalid_schedule'; reason?: string } | { state: 'ended' } | { state: 'waiting' | 'open'; occurrence: Occurrence; opensAt: Date; closesAt: Date };

/**
 * The one reading of join windows against the Clock: the join decision, the Start buttons of
 * "My meetings" and the Join buttons of "My invitations" use it, so they cannot disagree.
 */
@Injectable()
export class JoinWindows {
  constructor(private readonly clock: Clock) {}

  stateOf(meeting: Meeting, now: Date = this.clock.now()): JoinState {
    let window;
    try {
      window = joinWindowOf(meeting, now);
    } catch (error) {
      if (error instanceof MeetingScheduleInvalid) return { state: 'invalid_schedule', reason: error.reason };
      throw error;
    }
    if (!window.occurrence) return { state: 'ended' };
    return { state: window.open ? 'open' : 'waiting', occurrence: window.occurrence, opensAt: window.opensAt, closesAt: window.closesAt };
  }

  /**
   * For a list of meetings: those that offer Start now (not cancelled, window open) and those
   * whose stored schedule cannot be expanded (saved before schedules were checked).
   */
  marks(meetings: Meeting[]): { openIds: string[]; invalidIds: string[] } {
    const now = this.clock.now();
    const openIds: string[] = [];
    const invalidIds: string[] = [];
    for (const meeting of meetings) {
      const { state } = this.stateOf(meeting, now);
      if (state === 'invalid_schedule') invalidIds.push(meeting.id);
      else if (state === 'open' && !meeting.cancelledAt) openIds.push(meeting.id);
    }
    return { openIds, invalidIds };
  }
}
