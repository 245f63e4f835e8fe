import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock, InvalidInputError, singleLine } from '@moderato/core';
import { Transactions, type Tx } from '@moderato/database';
import type { User } from '@moderato/identity';
import { AuditService } from '@moderato/audit';
import type { Caller } from './caller';
import type { AddInviteesDto, InviteeDto } from './dto/meeting.dto';
import type { Invitation } from './invitation.entity';
import { InvitationsStore } from './invitations.store';
import { JoinWindows } from './join-windows';
import { LinkCodes } from './link-codes';
import { checkInviteeList, visibleTo } from './meeting-checks';
import type { Meeting } from './meeting.entity';
import { MeetingsStore } from './meetings.store';
import { DuplicateInvitees, InvitationNotFound, MeetingCancelled } from './meetings.errors';
import type { Occurrence } from './occurrences';
import type { OutboxKind } from './outbox-message.entity';
import { OutboxWriter } from './outbox-writer.store';
import { RemindersService } from './reminders.service';

/** The most members one group invitation takes (like the invitations API's list limit). */
export const MAX_GROUP_INVITEES = 2000;

/**
 * Who is invited to a meeting, and the mails that tells them: every change writes its outbox rows
 * in its own transaction, so no mail is lost when Redis or SMTP is down.
 */
@Injectable()
export class InvitationsService {
  private readonly logger = new Logger('Meetings');

  constructor(
    private readonly transactions: Transactions,
    private readonly meetingsStore: MeetingsStore,
    private readonly store: InvitationsStore,
    private readonly outbox: OutboxWriter,
    private readonly reminders: RemindersService,
    private readonly audit: AuditService,
    private readonly linkCodes: LinkCodes,
    private readonly windows: JoinWindows,
    private readonly clock: Clock,
  ) {}

  async listInvitations(caller: Caller, meetingId: string): Promise<Invitation[]> {
    const meeting = await this.meeting(caller, meetingId);
    return this.store.listed(meeting.id);
  }

  async addInvitees(caller: Caller, meetingId: string, dto: AddInviteesDto): Promise<Invitation[]> {
    return (await this.addInvitations(caller, meetingId, dto.invitees)).invitations;
  }

  /**
   * Invites a pasted list on the meeting page: people already on the list keep their invitation
   * (listed in `skipped`; a revoked one is invited again with "Invite again").
   */
  async addListedInvitees(caller: Caller, meetingId: string, invitees: InviteeDto[]): Promise<{ invitations: Invitation[]; skipped: string[] }> {
    return this.addInvitations(caller, meetingId, invitees, { skipExisting: true });
  }

  /**
   * Invites a whole directory group: every member becomes an invitation that remembers the
   * group's name. Members already invited keep their invitation (listed in `skipped`). All in
   * one transaction, with one batch of outbox rows, however large the group.
   */
  async addGroupInvitees(
    caller: Caller,
    meetingId: string,
    group: { name: string; members: { email: string; name?: string }[] },
    role: 'participant' | 'moderator' = 'participant',
  ): Promise<{ invitations: Invitation[]; skipped: string[] }> {
    if (group.members.length > MAX_GROUP_INVITEES) {
      throw new InvalidInputError([
        { field: 'group', messages: [`${group.name} has ${group.members.length} members; at most ${MAX_GROUP_INVITEES} can be invited at once`] },
      ]);
    }
    const invitees = group.members.map((member) => ({ email: member.email.toLowerCase(), name: member.name ?? '', role }));
    return this.addInvitations(caller, meetingId, invitees, { groupName: group.name.slice(0, 200), skipExisting: true });
  }

  /** The one path for adding invitations to an existing meeting (by name, or a group's members). */
  private async addInvitations(
    caller: Caller,
    meetingId: string,
    invitees: InviteeDto[],
    options: { groupName?: string; skipExisting?: boolean } = {},
  ): Promise<{ invitations: Invitation[]; skipped: string[] }> {
    checkInviteeList(invitees);
    return this.transactions.run(async (tx) => {
      const meeting = await this.meeting(caller, meetingId, tx, true);
      if (meeting.cancelledAt) throw new MeetingCancelled();
      const existing = invitees.length
        ? await this.store.withEmails(
            meetingId,
            invitees.map((i) => i.email.toLowerCase()),
            tx,
          )
        : [];
      if (existing.length && !options.skipExisting) throw new DuplicateInvitees(existing.map((i) => i.email));
      const skipped = new Set(existing.map((i) => i.email));
      const invitations = await this.insertInvitations(
        meeting,
        invitees.filter((i) => !skipped.has(i.email.toLowerCase())),
        tx,
        options.groupName,
      );
      if (invitations.length) await this.reminders.scheduleReminders(meeting, tx);
      await this.audit.record(
        {
          action: options.groupName === undefined ? 'invitation.added' : 'invitation.group_added',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id: meetingId },
          metadata: { count: invitations.length, ...(options.groupName === undefined ? {} : { group: options.groupName, skipped: skipped.size }) },
        },
        tx,
      );
      return { invitations, skipped: [...skipped].sort() };
    });
  }

  /**
   * The meetings a person is invited to and can still join: invitations bound to them, or sent
   * to their verified email; with the next occurrence and whether its window is open.
   */
  async invitationsFor(user: User): Promise<{ invitation: Invitation; meeting: Meeting; next: Occurrence; open: boolean; link: string }[]> {
    const now = this.clock.now();
    const result = [];
    for (const invitation of await this.store.joinableBy(user, now)) {
      const meeting = invitation.meeting!;
      const joining = this.windows.stateOf(meeting, now);
      if (joining.state === 'invalid_schedule')
        this.logger.warn({ meetingId: meeting.id, reason: joining.reason }, 'The stored schedule of a meeting is invalid');
      if (joining.state !== 'open' && joining.state !== 'waiting') continue;
      result.push({ invitation, meeting, next: joining.occurrence, open: joining.state === 'open', link: `/j/${this.linkCodes.codeFor(invitation)}` });
    }
    return result.sort((a, b) => a.next.startsAt.getTime() - b.next.startsAt.getTime());
  }

  /**
   * Revoke: the personal link stops working at once, and a person who got a mail about the
   * meeting gets a cancellation (same UID, a higher SEQUENCE) so the date leaves their calendar.
   */
  async revokeInvitation(caller: Caller, meetingId: string, invitationId: string): Promise<Invitation> {
    return this.changeInvitation(caller, meetingId, invitationId, 'invitation.revoked', async (invitation, meeting, tx) => {
      if (invitation.status === 'revoked') return invitation;
      const told = invitation.sentAt !== null;
      invitation.status = 'revoked';
      await this.outbox.dropReminders([invitation.id], tx);
      await this.outbox.dropWaitingInvites(invitation.id, tx);
      if (told && !meeting.cancelledAt) {
        const version = await this.meetingsStore.bumpVersion(meeting.id, tx);
        await this.outbox.notify([invitation.id], 'cancel', version - 1, this.clock.now(), tx, { revoked: true });
      }
      return invitation;
    });
  }

  /**
   * Resend: a new mail; with `newLink` the old link dies and a new one is sent. A revoked
   * invitation is invited again (always with a new link), with a SEQUENCE above its cancellation.
   */
  async resendInvitation(caller: Caller, meetingId: string, invitationId: string, newLink = false): Promise<Invitation> {
    return this.changeInvitation(caller, meetingId, invitationId, 'invitation.resent', async (invitation, meeting, tx) => {
      if (meeting.cancelledAt) throw new MeetingCancelled();
      const again = invitation.status === 'revoked';
      if (newLink || again) {
        invitation.linkCodeSalt = this.linkCodes.newSalt();
        invitation.linkCodeHash = this.linkCodes.hashFor(invitation);
        invitation.boundUserId = null;
      }
      invitation.status = 'pending';
      // The new invitation replaces earlier ones still waiting for SMTP: one mail when it is back.
      await this.outbox.dropWaitingInvites(invitation.id, tx);
      const version = again ? await this.meetingsStore.bumpVersion(meeting.id, tx) : meeting.version;
      await this.outbox.notify([invitation.id], 'invite', version - 1, this.clock.now(), tx);
      if (again) await this.reminders.scheduleReminders({ ...meeting, version }, tx, [invitation]);
      return invitation;
    });
  }

  /**
   * An invitee's personal link, for the organizer to pass on ("didn't get the mail?"). Recomputed
   * from the invitation (link codes are HMAC-derived, never stored); looking at it is audited.
   */
  async personalLink(caller: Caller, meetingId: string, invitationId: string): Promise<{ invitation: Invitation; link: string }> {
    return this.transactions.run(async (tx) => {
      const meeting = await this.meeting(caller, meetingId, tx);
      const invitation = await this.store.byId(invitationId, meeting.id, tx);
      if (!invitation || invitation.status === 'revoked' || meeting.cancelledAt) throw new InvitationNotFound(invitationId);
      await this.audit.record(
        {
          action: 'invitation.link_shown',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'invitation', id: invitation.id },
          metadata: { meetingId, email: invitation.email },
        },
        tx,
      );
      return { invitation, link: this.linkCodes.linkFor(invitation) };
    });
  }

  async changeRole(caller: Caller, meetingId: string, invitationId: string, role: 'participant' | 'moderator'): Promise<Invitation> {
    return this.changeInvitation(caller, meetingId, invitationId, 'invitation.role_changed', async (invitation) => {
      invitation.role = role;
      return invitation;
    });
  }

  private async changeInvitation(
    caller: Caller,
    meetingId: string,
    invitationId: string,
    action: string,
    change: (invitation: Invitation, meeting: Meeting, tx: Tx) => Promise<Invitation>,
  ): Promise<Invitation> {
    return this.transactions.run(async (tx) => {
      const meeting = await this.meeting(caller, meetingId, tx);
      const invitation = await this.store.byId(invitationId, meeting.id, tx);
      if (!invitation) throw new InvitationNotFound(invitationId);
      const changed = await this.store.save(await change(invitation, meeting, tx), tx);
      await this.audit.record(
        {
          action,
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'invitation', id: invitation.id },
          metadata: { meetingId, email: invitation.email, role: changed.role },
        },
        tx,
      );
      return changed;
    });
  }

  /** New invitations of a meeting, each with its own link code, and their invite mails (in `tx`). */
  async insertInvitations(meeting: Meeting, invitees: InviteeDto[], tx: Tx, groupName: string | null = null): Promise<Invitation[]> {
    if (!invitees.length) return [];
    const rows = invitees.map((invitee) => {
      const id = randomUUID();
      const salt = this.linkCodes.newSalt();
      return {
        id,
        meetingId: meeting.id,
        email: invitee.email.toLowerCase(),
        // From a form, a pasted list or a directory: one line, no control characters.
        name: singleLine(invitee.name ?? '').trim(),
        role: invitee.role ?? 'participant',
        linkCodeSalt: salt,
        linkCodeHash: this.linkCodes.hashFor({ id, linkCodeSalt: salt }),
        status: 'pending' as const,
        groupName,
      };
    });
    const invitations = await this.store.insertMany(rows, tx);
    await this.outbox.notify(
      invitations.map((i) => i.id),
      'invite',
      meeting.version - 1,
      this.clock.now(),
      tx,
    );
    return invitations;
  }

  /**
   * Tells every invitee (not the revoked) about a change of the meeting; returns its invitations.
   * `extra` goes into each mail's payload (an update's `previous` values, shown as old → new).
   */
  async notifyAll(meeting: Meeting, kind: OutboxKind, tx: Tx, extra: Record<string, unknown> = {}): Promise<Invitation[]> {
    const invitations = await this.store.ofMeeting(meeting.id, tx);
    await this.outbox.notify(
      invitations.filter((i) => i.status !== 'revoked').map((i) => i.id),
      kind,
      meeting.version - 1,
      this.clock.now(),
      tx,
      extra,
    );
    return invitations;
  }

  private async meeting(caller: Caller, id: string, tx?: Tx, lock = false): Promise<Meeting> {
    return visibleTo(caller, id, await this.meetingsStore.byId(id, tx, { lock }));
  }
}
