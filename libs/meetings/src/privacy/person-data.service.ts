import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditService, type Actor } from '@moderato/audit';
import { Clock, InvalidInputError } from '@moderato/core';
import { Transactions, type Tx } from '@moderato/database';
import { PersonRecordsService, UserNotFound, UsersService, type IdentityExport } from '@moderato/identity';
import { JitsiInteropService } from '@moderato/jitsi';
import { InvitationsStore } from '../invitations.store';
import { PresenceStore } from '../presence/presence.store';
import type { Meeting } from '../meeting.entity';
import { MeetingEndsStore } from '../ending/meeting-ends.store';
import { MeetingsStore } from '../meetings.store';
import { OutboxWriter } from '../outbox-writer.store';
import { RemindersService } from '../reminders.service';
import { scheduleEndedBefore } from './retention.service';
import { PRIVACY_ROOM_ACCESS, type PrivacyRoomAccess } from './room-access-port';

/**
 * What happens to the meetings a deleted person organised: handed to another organizer, or
 * cancelled (those not over yet: the invitees get the cancellation; those over: deleted).
 */
export interface OrganisedMeetings {
  meetingsTo?: string;
  cancelMeetings?: boolean;
}

export interface PersonDeleted {
  pseudonym: string;
  meetingsHandedOver: number;
  /** Upcoming meetings cancelled (their invitees are told) and kept without organizer until retention. */
  meetingsCancelled: number;
  meetingsDeleted: number;
  invitations: number;
  /** Permanent rooms whose access list named them (`user:<email>`, removed). */
  roomAccessLists: number;
  /** Server checks ("Test this server") they started or recorded, now under the pseudonym. */
  serverChecks: number;
  /** Their connections to Jitsi rooms (attendance). */
  presenceIntervals: number;
  sessions: number;
  apiTokens: number;
  roleGrants: number;
  auditEventsPseudonymised: number;
}

/** A person's data as `GET …/export` returns it (right of access): no secret, hash or ID token. */
export interface PersonExport extends IdentityExport {
  exportedAt: Date;
  invitations: {
    id: string;
    meeting: { id: string; title: string; startsAt: Date; endsAt: Date; timezone: string; rrule: string | null; cancelledAt: Date | null };
    email: string;
    name: string;
    role: string;
    status: string;
    rsvp: string | null;
    groupName: string | null;
    sentAt: Date | null;
    joinedAt: Date | null;
    joinCount: number;
    createdAt: Date;
  }[];
  /** When they were in which Jitsi room (attendance, from the server's presence events). */
  presence: { serverId: string; roomName: string; breakoutRoom: string; name: string; email: string; joinedAt: Date; leftAt: Date | null }[];
  meetingsOrganised: {
    id: string;
    title: string;
    description: string;
    startsAt: Date;
    endsAt: Date;
    timezone: string;
    rrule: string | null;
    cancelledAt: Date | null;
    createdAt: Date;
  }[];
  auditEvents: {
    id: string;
    action: string;
    actor: string | null;
    subjectType: string | null;
    subjectId: string | null;
    metadata: Record<string, unknown>;
    ip: string | null;
    createdAt: Date;
  }[];
}

/**
 * Deleting a person and exporting their data (issue 18, "Personal data has a lifecycle"). Spans
 * identity (account, sessions, tokens, grants), meetings (invitations, organised meetings) and
 * audit (pseudonym): each through its owner's store, in one transaction.
 */
@Injectable()
export class PersonDataService {
  constructor(
    private readonly transactions: Transactions,
    private readonly records: PersonRecordsService,
    private readonly users: UsersService,
    private readonly meetings: MeetingsStore,
    private readonly invitations: InvitationsStore,
    private readonly presence: PresenceStore,
    private readonly outbox: OutboxWriter,
    private readonly reminders: RemindersService,
    private readonly audit: AuditService,
    private readonly interop: JitsiInteropService,
    private readonly ends: MeetingEndsStore,
    private readonly clock: Clock,
    // Provided by RoomsModule (rooms depends on meetings); a process that deletes people loads it.
    @Optional() @Inject(PRIVACY_ROOM_ACCESS) private readonly roomAccess?: PrivacyRoomAccess,
  ) {}

  /** How many meetings a person organises (the confirmation page asks what happens to them). */
  async organisedCount(userId: string): Promise<number> {
    return (await this.meetings.allOrganizedBy(userId)).length;
  }

  /**
   * Deletes a person: account, sessions, API tokens, role grant and invitations go; their audit
   * events stay under a pseudonym. Their meetings go to `meetingsTo` (an organizer) or are
   * cancelled (`cancelMeetings`: see cancelOrganised); when they organise any and neither is
   * given, nothing changes (400).
   */
  async delete(userId: string, choice: OrganisedMeetings, actor: Actor): Promise<PersonDeleted> {
    // Never a deletion that leaves the person in the rooms' access lists.
    const roomAccess = this.roomAccess;
    if (!roomAccess) throw new Error('PersonDataService.delete needs PRIVACY_ROOM_ACCESS: import RoomsModule into this process');
    return this.transactions.run(async (tx) => {
      const user = await this.records.lockForDeletion(userId, actor, tx);
      const meetings = await this.meetings.allOrganizedBy(user.id, tx);
      const organised = meetings.length;
      let meetingsHandedOver = 0;
      let meetingsCancelled = 0;
      let meetingsDeleted = 0;
      let meetingsTo: string | null = null;
      if (organised) {
        if (choice.meetingsTo) {
          const target = await this.users.findById(choice.meetingsTo);
          const field = (message: string) => new InvalidInputError([{ field: 'meetingsTo', messages: [message] }]);
          if (!target) throw field('no such person');
          if (target.id === user.id) throw field('must be someone else than the person deleted');
          if (target.disabled || !this.users.rolesOf(target).includes('organizer')) throw field('must be an enabled organizer');
          meetingsTo = target.id;
          meetingsHandedOver = await this.meetings.handOver(user.id, target.id, tx);
        } else if (choice.cancelMeetings) {
          ({ meetingsCancelled, meetingsDeleted } = await this.cancelOrganised(user.id, meetings, actor, tx));
        } else {
          throw new InvalidInputError(
            [
              {
                field: 'meetingsTo',
                messages: [`organises ${organised} meeting(s): hand them to another organizer (meetingsTo) or cancel them (cancelMeetings)`],
              },
            ],
            'This person organises meetings: say who takes them over, or cancel them',
          );
        }
      }
      const invitations = await this.invitations.deleteOfPerson(user, tx);
      const presenceIntervals = await this.presence.deleteOfPerson(user, tx);
      const roomAccessLists = await roomAccess.removeUser(user.email, tx);
      const { pseudonym, events } = await this.audit.pseudonymise(user, tx);
      const serverChecks = await this.interop.pseudonymise(user, pseudonym, tx);
      // "This meeting was ended by …" names the pseudonym from now on.
      await this.ends.pseudonymise(user.id, pseudonym.label, tx);
      const identity = await this.records.deleteAccount(user, tx);
      const result: PersonDeleted = {
        pseudonym: pseudonym.label,
        meetingsHandedOver,
        meetingsCancelled,
        meetingsDeleted,
        invitations,
        roomAccessLists,
        serverChecks,
        presenceIntervals,
        ...identity,
        auditEventsPseudonymised: events,
      };
      await this.audit.record(
        {
          action: 'user.deleted',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'user', id: pseudonym.id },
          metadata: { ...result, meetingsTo },
        },
        tx,
      );
      return result;
    });
  }

  /**
   * A deleted organizer's meetings, in the deletion's transaction: those not over yet are
   * cancelled as their organizer's "Cancel meeting" does (every invitee gets the cancellation and
   * its METHOD:CANCEL calendar entry, reminders go), on behalf of the organisation, and kept
   * without organizer until retention deletes them; those over are deleted with their invitations.
   */
  private async cancelOrganised(userId: string, meetings: Meeting[], actor: Actor, tx: Tx): Promise<{ meetingsCancelled: number; meetingsDeleted: number }> {
    const now = this.clock.now();
    const over = meetings.filter((m) => scheduleEndedBefore(m, now));
    let meetingsCancelled = 0;
    for (const meeting of meetings) {
      if (over.includes(meeting) || meeting.cancelledAt) continue;
      meeting.cancelledAt = now;
      const saved = await this.meetings.save(meeting, tx);
      const invitations = await this.invitations.ofMeeting(saved.id, tx);
      const told = invitations.filter((i) => i.status !== 'revoked').map((i) => i.id);
      await this.outbox.notify(told, 'cancel', saved.version - 1, now, tx);
      await this.reminders.scheduleReminders(saved, tx, invitations);
      // The organizer's id is no part of it: the event is about the meeting, by the admin.
      await this.audit.record(
        { action: 'meeting.cancelled', actor, ip: actor.ip ?? null, subject: { type: 'meeting', id: saved.id }, metadata: { organizerDeleted: true } },
        tx,
      );
      meetingsCancelled++;
    }
    const meetingsDeleted = await this.meetings.deleteAndDetach(
      userId,
      over.map((m) => m.id),
      tx,
    );
    return { meetingsCancelled, meetingsDeleted };
  }

  /** Everything Moderato keeps about a person (the export); audited as `user.exported`. */
  async export(userId: string, actor: Actor): Promise<PersonExport> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFound();
    const identity = await this.records.exportOf(user);
    const invitations = await this.invitations.allOfPerson(user);
    const organised = await this.meetings.allOrganizedBy(user.id);
    const events = await this.audit.about(user);
    const presence = await this.presence.ofPerson(user);
    const email = user.email.toLowerCase();
    const result: PersonExport = {
      exportedAt: this.clock.now(),
      ...identity,
      invitations: invitations.map((i) => ({
        id: i.id,
        meeting: {
          id: i.meeting!.id,
          title: i.meeting!.title,
          startsAt: i.meeting!.startsAt,
          endsAt: i.meeting!.endsAt,
          timezone: i.meeting!.timezone,
          rrule: i.meeting!.rrule,
          cancelledAt: i.meeting!.cancelledAt,
        },
        email: i.email,
        name: i.name,
        role: i.role,
        status: i.status,
        rsvp: i.rsvp,
        groupName: i.groupName,
        sentAt: i.sentAt,
        joinedAt: i.joinedAt,
        joinCount: i.joinCount,
        createdAt: i.createdAt,
      })),
      presence: presence.map((p) => ({
        serverId: p.serverId,
        roomName: p.roomName,
        breakoutRoom: p.breakoutRoom,
        name: p.name,
        email: p.email,
        joinedAt: p.joinedAt,
        leftAt: p.leftAt,
      })),
      meetingsOrganised: organised.map((m) => ({
        id: m.id,
        title: m.title,
        description: m.description,
        startsAt: m.startsAt,
        endsAt: m.endsAt,
        timezone: m.timezone,
        rrule: m.rrule,
        cancelledAt: m.cancelledAt,
        createdAt: m.createdAt,
      })),
      // Events others did about them keep the other person's label but not their IP address.
      auditEvents: events.map((e) => {
        const byThem = e.actorId === user.id || e.actorLabel?.toLowerCase() === email;
        return {
          id: e.id,
          action: e.action,
          actor: e.actorLabel,
          subjectType: e.subjectType,
          subjectId: e.subjectId,
          metadata: e.metadata,
          ip: byThem ? e.ip : null,
          createdAt: e.createdAt,
        };
      }),
    };
    await this.audit.record({
      action: 'user.exported',
      actor,
      ip: actor.ip ?? null,
      subject: { type: 'user', id: user.id },
      metadata: { self: actor.id === user.id },
    });
    return result;
  }
}
