import { Injectable } from '@nestjs/common';
import { Clock } from '@moderato/core';
import type { User } from '@moderato/identity';
import { AgendaStore } from './agenda.store';
import type { Invitation, InvitationRole } from './invitation.entity';
import { JoinWindows } from './join-windows';
import { LinkCodes } from './link-codes';
import type { Meeting } from './meeting.entity';
import { MeetingScheduleInvalid } from './meetings.errors';
import { occurrencesOf, type Occurrence } from './occurrences';

/** The person's part in a meeting: they organize it, or they are invited (as moderator or participant). */
export type AgendaRole = 'organizer' | InvitationRole;

/** One meeting on a person's agenda. */
export interface AgendaEntry {
  meeting: Meeting;
  role: AgendaRole;
  invitation?: Invitation;
  /** Where Start or Join leads (a path): the organizer's start, or the invitee's personal link. */
  link: string;
  /** The organizer's name and address (null once the organizer was deleted). */
  organizer: { name: string; email: string } | null;
}

/** One date of a meeting on a person's agenda, with its join window. */
export interface AgendaItem {
  entry: AgendaEntry;
  occurrence: Occurrence;
  opensAt: Date;
  closesAt: Date;
  /** Start or Join works now: JoinWindows says the meeting's window is open, for this date. */
  open: boolean;
}

const personOf = (user: User | null | undefined) => (user ? { name: user.displayName, email: user.email } : null);

/**
 * A person's meetings and invitations in one list (the dashboard's "Today and this week", the
 * week view, the calendar feed). A meeting the person organizes and is also invited to appears
 * once, as theirs. Cancelled meetings and revoked invitations are not on it.
 */
@Injectable()
export class AgendaService {
  constructor(
    private readonly store: AgendaStore,
    private readonly linkCodes: LinkCodes,
    private readonly windows: JoinWindows,
    private readonly clock: Clock,
  ) {}

  /** The person's meetings that end after `from` (every series). */
  async entries(user: User, from: Date): Promise<AgendaEntry[]> {
    const organized = await this.store.organized(user.id, from);
    const invited = await this.store.invited(user, from);
    const seen = new Set<string>();
    const entries: AgendaEntry[] = [];
    for (const meeting of organized) {
      seen.add(meeting.id);
      entries.push({ meeting, role: 'organizer', link: `/meetings/${meeting.id}/start`, organizer: personOf(meeting.organizer) });
    }
    for (const invitation of invited) {
      const meeting = invitation.meeting!;
      if (seen.has(meeting.id)) continue;
      seen.add(meeting.id);
      entries.push({ meeting, role: invitation.role, invitation, link: `/j/${this.linkCodes.codeFor(invitation)}`, organizer: personOf(meeting.organizer) });
    }
    return entries;
  }

  /**
   * The dates of the person's meetings that overlap [from, to], soonest first; cancelled dates
   * are left out, a series whose stored schedule cannot be expanded is skipped.
   */
  async between(user: User, from: Date, to: Date): Promise<AgendaItem[]> {
    const now = this.clock.now();
    const items: AgendaItem[] = [];
    for (const entry of await this.entries(user, from)) {
      const { meeting } = entry;
      let occurrences: Occurrence[];
      try {
        occurrences = occurrencesOf(meeting, from, to);
      } catch (error) {
        if (error instanceof MeetingScheduleInvalid) continue;
        throw error;
      }
      const state = this.windows.stateOf(meeting, now);
      for (const occurrence of occurrences) {
        const open = state.state === 'open' && state.occurrence.occurrence.getTime() === occurrence.occurrence.getTime();
        items.push({
          entry,
          occurrence,
          opensAt: new Date(occurrence.startsAt.getTime() - meeting.joinBeforeMinutes * 60_000),
          closesAt: new Date(occurrence.endsAt.getTime() + meeting.joinAfterMinutes * 60_000),
          open,
        });
      }
    }
    return items.sort(
      (a, b) => a.occurrence.startsAt.getTime() - b.occurrence.startsAt.getTime() || a.entry.meeting.title.localeCompare(b.entry.meeting.title),
    );
  }

  /** What comes next for the person: dates whose join window has not closed and that start within `days` days. */
  async upcoming(user: User, days = 7): Promise<AgendaItem[]> {
    const now = this.clock.now();
    const items = await this.between(user, new Date(now.getTime() - 86_400_000), new Date(now.getTime() + days * 86_400_000));
    return items.filter((item) => item.closesAt > now);
  }
}
