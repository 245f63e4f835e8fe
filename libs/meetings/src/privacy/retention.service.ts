import { Injectable } from '@nestjs/common';
import { AuditService } from '@moderato/audit';
import { Clock } from '@moderato/core';
import { Transactions } from '@moderato/database';
import { PersonRecordsService } from '@moderato/identity';
import { PolicyService } from '@moderato/policy';
import { InvitationsStore } from '../invitations.store';
import type { Meeting } from '../meeting.entity';
import { MeetingsStore } from '../meetings.store';
import { occurrencesOf } from '../occurrences';
import { PresenceStore } from '../presence/presence.store';
import { RetentionLock } from './retention-lock.store';

const DAY_MS = 86_400_000;

export interface RetentionCounts {
  sessions: number;
  auditEvents: number;
  invitations: number;
  meetings: number;
  /** Meetings of deleted organizers (cancelled then) deleted with the invitations of their time. */
  meetingsDeleted: number;
  /** Presence intervals (attendance) older than retentionAttendanceDays. */
  presenceIntervals: number;
}

/**
 * Deletes personal data older than the policy's retention settings: ended sessions with their ID
 * tokens (identity), audit events (audit), and the invitations of meetings whose last date is
 * long past (meetings), with the meeting itself when its organizer was deleted. Each owner's store deletes its rows; one transaction, and one audit event
 * `retention.pruned` with the counts when anything was deleted. The worker runs it periodically.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly lock: RetentionLock,
    private readonly transactions: Transactions,
    private readonly policy: PolicyService,
    private readonly records: PersonRecordsService,
    private readonly audit: AuditService,
    private readonly meetings: MeetingsStore,
    private readonly invitations: InvitationsStore,
    private readonly presence: PresenceStore,
    private readonly clock: Clock,
  ) {}

  /** One pass; undefined when another process runs one right now. */
  runOnce(): Promise<RetentionCounts | undefined> {
    return this.lock.runIfFree(() => this.prune());
  }

  private async prune(): Promise<RetentionCounts> {
    const now = this.clock.now();
    const policy = await this.policy.current();
    const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const invitationCutoff = before(policy.retentionInvitationDays);
    const expired = (await this.meetings.retentionCandidates(invitationCutoff)).filter((m) => lastDateBefore(m, invitationCutoff)).map((m) => m.id);
    return this.transactions.run(async (tx) => {
      const counts: RetentionCounts = {
        sessions: await this.records.deleteEndedSessions(now, policy.retentionSessionDays, policy.sessionIdleMinutes, tx),
        auditEvents: await this.audit.deleteBefore(before(policy.retentionAuditDays), tx),
        invitations: await this.invitations.deleteOfMeetings(expired, tx),
        meetings: expired.length,
        meetingsDeleted: await this.meetings.deleteOrphansCancelledBefore(invitationCutoff, tx),
        presenceIntervals: await this.presence.deleteBefore(before(policy.retentionAttendanceDays), tx),
      };
      if (counts.sessions || counts.auditEvents || counts.invitations || counts.meetingsDeleted || counts.presenceIntervals) {
        await this.audit.record(
          {
            action: 'retention.pruned',
            actor: { id: null, label: 'retention' },
            subject: { type: 'policy', id: 'retention' },
            metadata: {
              ...counts,
              days: {
                sessions: policy.retentionSessionDays,
                auditEvents: policy.retentionAuditDays,
                invitations: policy.retentionInvitationDays,
                attendance: policy.retentionAttendanceDays,
              },
            },
          },
          tx,
        );
      }
      return counts;
    });
  }
}

/** Whether a meeting's last date (a series: its last occurrence; cancelled: no later than that) ended before `cutoff`. */
function lastDateBefore(meeting: Meeting, cutoff: Date): boolean {
  if (meeting.cancelledAt && meeting.cancelledAt < cutoff) return true;
  return scheduleEndedBefore(meeting, cutoff);
}

/** Whether a meeting's last date as scheduled (cancellation aside) ended before `cutoff`; an invalid stored schedule has not. */
export function scheduleEndedBefore(meeting: Meeting, cutoff: Date): boolean {
  if (!meeting.rrule) return meeting.endsAt < cutoff;
  try {
    // Every series has at most 500 dates (MAX_OCCURRENCES), so its expansion ends; a date moved
    // past the cutoff keeps the whole series. A meeting lasts at most a day.
    const later = occurrencesOf(meeting, new Date(cutoff.getTime() - 2 * DAY_MS), new Date('2101-01-01T00:00:00Z'), { includeCancelled: true });
    return later.every((o) => o.endsAt < cutoff);
  } catch {
    return false; // an invalid stored schedule: keep, its organizer must fix it first
  }
}
