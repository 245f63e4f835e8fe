import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@moderato/core';
import { Transactions, type Tx } from '@moderato/database';
import type { Invitation } from './invitation.entity';
import { InvitationsStore } from './invitations.store';
import type { Meeting } from './meeting.entity';
import { MeetingsStore } from './meetings.store';
import { MeetingScheduleInvalid } from './meetings.errors';
import { occurrencesOf } from './occurrences';
import { OutboxWriter } from './outbox-writer.store';

const REMINDER_HORIZON_MS = 60 * 24 * 3600_000;

/**
 * Reminder mails as outbox rows due `reminderMinutes` before each occurrence of the next
 * REMINDER_HORIZON: rewritten on every change (so an edit moves them, a cancel removes them),
 * and topped up for longer series by topUpReminders() (the worker runs it every few hours).
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger('Meetings');

  constructor(
    private readonly transactions: Transactions,
    private readonly meetingsStore: MeetingsStore,
    private readonly invitations: InvitationsStore,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /** Rewrites the meeting's reminders in `tx`; `known`: its invitations, when the caller has them. */
  async scheduleReminders(meeting: Meeting, tx: Tx, known?: Invitation[]): Promise<void> {
    const invitations = known ?? (await this.invitations.ofMeeting(meeting.id, tx));
    if (!invitations.length) return;
    await this.outbox.dropReminders(
      invitations.map((i) => i.id),
      tx,
    );
    const minutes = meeting.options.reminderMinutes === undefined ? 15 : meeting.options.reminderMinutes;
    if (meeting.cancelledAt || !minutes) return;
    const now = this.clock.now();
    const reminders = [];
    // A series saved before schedules were checked may not expand: its invitees are still added and told, without reminders.
    const occurrences = this.safely(meeting, () => occurrencesOf(meeting, now, new Date(now.getTime() + REMINDER_HORIZON_MS))) ?? [];
    for (const occurrence of occurrences) {
      const due = new Date(occurrence.startsAt.getTime() - minutes * 60_000);
      if (due <= now) continue;
      for (const invitation of invitations.filter((i) => i.status !== 'revoked')) {
        reminders.push({ invitationId: invitation.id, sequence: meeting.version - 1, occurrence: occurrence.occurrence, due });
      }
    }
    await this.outbox.remind(reminders, tx);
  }

  /**
   * Moves the reminder horizon of every running series forward: reminders due in the next
   * REMINDER_HORIZON exist for every date. Each meeting is rewritten under its row lock, so an edit
   * at the same moment waits (no reminder is lost or doubled). Returns how many series it looked at.
   */
  async topUpReminders(): Promise<number> {
    const now = this.clock.now();
    // A series that ended (COUNT/UNTIL) has no date in the horizon and is skipped below.
    const candidates = await this.meetingsStore.runningSeriesIds();
    let looked = 0;
    for (const id of candidates) {
      try {
        await this.transactions.run(async (tx) => {
          const meeting = await this.meetingsStore.byId(id, tx, { lock: true });
          if (!meeting || meeting.cancelledAt || !occurrencesOf(meeting, now, new Date(now.getTime() + REMINDER_HORIZON_MS)).length) return;
          looked += 1;
          await this.scheduleReminders(meeting, tx);
        });
      } catch (error) {
        // One series whose stored schedule cannot be expanded never stops the others.
        if (!(error instanceof MeetingScheduleInvalid)) throw error;
        this.logger.warn({ meetingId: id, reason: error.reason }, 'Reminder top-up skips a series whose schedule is invalid');
      }
    }
    return looked;
  }

  /**
   * Running series whose stored rule cannot be expanded (saved before schedules were checked):
   * the worker lists them in its log at start (with its first top-up), so an operator can ask
   * their organizers to fix them.
   */
  async invalidSeries(): Promise<{ id: string; organizerId: string | null; title: string; rrule: string; reason: string }[]> {
    const invalid = [];
    for (const meeting of await this.meetingsStore.runningSeries()) {
      try {
        occurrencesOf(meeting, meeting.startsAt, meeting.startsAt);
      } catch (error) {
        if (!(error instanceof MeetingScheduleInvalid)) throw error;
        invalid.push({ id: meeting.id, organizerId: meeting.organizerId, title: meeting.title, rrule: meeting.rrule!, reason: String(error.reason) });
      }
    }
    return invalid;
  }

  /** What `work` computes from the meeting's schedule; undefined (and a warning) when the stored schedule is invalid. */
  private safely<T>(meeting: Meeting, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof MeetingScheduleInvalid)) throw error;
      this.logger.warn({ meetingId: meeting.id, reason: error.reason }, 'The stored schedule of a meeting is invalid');
      return undefined;
    }
  }
}
