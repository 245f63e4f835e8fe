import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, ILike, IsNull, LessThan, MoreThanOrEqual, Not, QueryFailedError } from 'typeorm';
import { AuditService } from '@moderato/audit';
import { isUUID } from 'class-validator';
import { Clock, InvalidInputError, singleLine, type FieldError } from '@moderato/core';
import type { User } from '@moderato/identity';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { wrapManager } from '@moderato/database';
import { PolicyService, type OrgPolicy } from '@moderato/policy';
import type { AddInviteesDto, ChangeOccurrenceDto, CreateMeetingDto, InviteeDto, UpdateMeetingDto } from './dto/meeting.dto';
import { Invitation } from './invitation.entity';
import { MeetingFormSubmission } from './meeting-form-submission.entity';
import { LinkCodes } from './link-codes';
import { readMailBacklog, type MailBacklog } from './outbox/mail-backlog.store';
import { DEFAULT_MEETING_OPTIONS, Meeting, type MeetingOptions, type OccurrenceException } from './meeting.entity';
import { joinWindowOf, occurrencesOf, type Occurrence } from './occurrences';
import {
  DuplicateInvitees,
  InvalidSchedule,
  InvitationNotFound,
  MeetingAlreadyCreated,
  MeetingCancelled,
  MeetingNotFound,
  MeetingScheduleInvalid,
  MeetingVersionConflict,
  NoServerAvailable,
} from './meetings.errors';
import { OutboxMessage, type OutboxKind } from './outbox-message.entity';
import { checkSchedule } from './schedule';
import { roomNameFor } from './room-name';

/** Who is asking: the signed-in user and their effective roles. */
export interface Caller {
  user: User;
  roles: string[];
  ip?: string | null;
}

/** The most members one group invitation takes (like the invitations API's list limit). */
export const MAX_GROUP_INVITEES = 2000;
const REMINDER_HORIZON_MS = 60 * 24 * 3600_000;

/**
 * Scheduling: meetings and their invitations. Every change that must notify people writes its
 * outbox rows in the same transaction, so no mail is lost when Redis or SMTP is down.
 */
@Injectable()
export class MeetingsService {
  private readonly logger = new Logger('Meetings');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly linkCodes: LinkCodes,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
    private readonly servers: JitsiServersService,
  ) {}

  /** Mails waiting for SMTP to work again (admin dashboard). */
  mailBacklog(): Promise<MailBacklog | undefined> {
    return readMailBacklog(this.dataSource);
  }

  /**
   * Creates the meeting of a "New meeting" form once: the same one-time form id again (two tabs,
   * a double click, even at the same moment) throws MeetingAlreadyCreated with the first meeting.
   */
  async createOnce(caller: Caller, dto: CreateMeetingDto, formId: string): Promise<{ meeting: Meeting; invitations: Invitation[] }> {
    await this.refuseRepeatedForm(caller, formId);
    try {
      return await this.create(caller, dto, { formId });
    } catch (error) {
      // A concurrent twin committed first: its form id row made ours collide, ours rolled back.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') await this.refuseRepeatedForm(caller, formId);
      throw error;
    }
  }

  private async refuseRepeatedForm(caller: Caller, formId: string): Promise<void> {
    const earlier = await this.dataSource.getRepository(MeetingFormSubmission).findOneBy({ organizerId: caller.user.id, formId });
    if (earlier) throw new MeetingAlreadyCreated(earlier.meetingId);
  }

  async create(caller: Caller, dto: CreateMeetingDto, options: { formId?: string } = {}): Promise<{ meeting: Meeting; invitations: Invitation[] }> {
    const policy = await this.policy.current();
    const { startsAt, endsAt, timezone, rrule } = this.checkTimes(
      { startsAt: dto.startsAt, endsAt: dto.endsAt, timezone: dto.timezone, recurrence: dto.recurrence },
      policy,
      true,
    );
    this.checkInviteeList(dto.invitees ?? []);
    return this.dataSource.transaction(async (manager) => {
      const server = await this.pickServer(manager, caller, dto.serverId, policy);
      const meeting = await manager.getRepository(Meeting).save(
        manager.getRepository(Meeting).create({
          serverId: server.id,
          organizerId: caller.user.id,
          title: dto.title,
          description: dto.description ?? '',
          roomName: roomNameFor(dto.title),
          startsAt,
          endsAt,
          timezone,
          rrule,
          joinBeforeMinutes: dto.joinWindowMinutesBefore ?? policy.joinWindowBeforeMinutes,
          joinAfterMinutes: dto.joinWindowMinutesAfter ?? policy.joinWindowAfterMinutes,
          options: this.checkOptions({ ...DEFAULT_MEETING_OPTIONS, ...dto.options }, policy),
        }),
      );
      if (options.formId)
        await manager.getRepository(MeetingFormSubmission).insert({ organizerId: caller.user.id, formId: options.formId, meetingId: meeting.id });
      const invitations = await this.insertInvitations(manager, meeting, dto.invitees ?? []);
      await this.scheduleReminders(manager, meeting);
      await this.audit.record(
        {
          action: 'meeting.created',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id: meeting.id },
          metadata: { title: meeting.title, invitees: invitations.length },
        },
        manager,
      );
      return { meeting, invitations };
    });
  }

  /** The caller's meetings (an admin's too), upcoming or past, newest relevant first. */
  async list(caller: Caller, query: { when?: 'upcoming' | 'past'; q?: string; page?: number; pageSize?: number } = {}) {
    const pageSize = Math.min(Math.max(query.pageSize ?? 20, 1), 100);
    const page = Math.max(query.page ?? 1, 1);
    const now = this.clock.now();
    const upcoming = query.when !== 'past';
    const base = {
      organizerId: caller.user.id,
      ...(query.q ? { title: ILike(`%${query.q.replace(/[%_\\]/g, '\\$&')}%`) } : {}),
    };
    const cutoff = new Date(now.getTime() - 3600_000);
    // A series stays among the upcoming ones (its occurrences are computed from the RRULE).
    const where = upcoming
      ? [
          { ...base, endsAt: MoreThanOrEqual(cutoff) },
          { ...base, rrule: Not(IsNull()) },
        ]
      : [{ ...base, endsAt: LessThan(cutoff), rrule: IsNull() }];
    const [items, total] = await this.dataSource.getRepository(Meeting).findAndCount({
      where,
      order: { startsAt: upcoming ? 'ASC' : 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  /** A meeting the caller may see: their own, or any for an admin. Others' are "not found". */
  async get(caller: Caller, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<Meeting> {
    const meeting = isUUID(id)
      ? await manager.getRepository(Meeting).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) })
      : null;
    if (!meeting || (meeting.organizerId !== caller.user.id && !caller.roles.includes('admin'))) throw new MeetingNotFound(id);
    return meeting;
  }

  async update(caller: Caller, id: string, dto: UpdateMeetingDto): Promise<Meeting> {
    const policy = await this.policy.current();
    return this.dataSource.transaction(async (manager) => {
      const meeting = await this.get(caller, id, manager, true);
      if (dto.version === undefined)
        throw new InvalidInputError([{ field: 'version', messages: ['version (or If-Match) is required: the meeting version you edited'] }]);
      if (meeting.version !== dto.version) throw new MeetingVersionConflict(dto.version, meeting.version);
      if (meeting.cancelledAt) throw new MeetingCancelled();
      const { startsAt, endsAt, timezone, rrule } = this.checkTimes(
        {
          startsAt: dto.startsAt ?? meeting.startsAt.toISOString(),
          endsAt: dto.endsAt ?? meeting.endsAt.toISOString(),
          timezone: dto.timezone ?? meeting.timezone,
          recurrence: dto.recurrence === undefined ? meeting.rrule : dto.recurrence,
        },
        policy,
        false,
      );
      const before = {
        title: meeting.title,
        description: meeting.description,
        startsAt: meeting.startsAt.getTime(),
        endsAt: meeting.endsAt.getTime(),
        rrule: meeting.rrule,
        timezone: meeting.timezone,
      };
      Object.assign(meeting, {
        title: dto.title ?? meeting.title,
        description: dto.description ?? meeting.description,
        startsAt,
        endsAt,
        rrule,
        timezone,
        joinBeforeMinutes: dto.joinWindowMinutesBefore ?? meeting.joinBeforeMinutes,
        joinAfterMinutes: dto.joinWindowMinutesAfter ?? meeting.joinAfterMinutes,
        options: this.checkOptions({ ...meeting.options, ...dto.options }, policy, meeting.options),
      });
      const saved = await manager.getRepository(Meeting).save(meeting);
      const after = {
        title: saved.title,
        description: saved.description,
        startsAt: saved.startsAt.getTime(),
        endsAt: saved.endsAt.getTime(),
        rrule: saved.rrule,
        timezone: saved.timezone,
      };
      const changed = Object.keys(after).filter((key) => before[key as keyof typeof before] !== after[key as keyof typeof after]);
      const invitations = changed.length ? await this.notifyAll(manager, saved, 'update') : undefined;
      await this.scheduleReminders(manager, saved, invitations);
      await this.audit.record(
        {
          action: 'meeting.updated',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id },
          metadata: { changed },
        },
        manager,
      );
      return saved;
    });
  }

  /** Cancels (never deletes): history stays, everyone invited is told. */
  async cancel(caller: Caller, id: string, version?: number): Promise<Meeting> {
    return this.dataSource.transaction(async (manager) => {
      const meeting = await this.get(caller, id, manager, true);
      if (version !== undefined && meeting.version !== version) throw new MeetingVersionConflict(version, meeting.version);
      if (meeting.cancelledAt) return meeting;
      meeting.cancelledAt = this.clock.now();
      const saved = await manager.getRepository(Meeting).save(meeting);
      await this.scheduleReminders(manager, saved, await this.notifyAll(manager, saved, 'cancel'));
      await this.audit.record(
        { action: 'meeting.cancelled', actor: { id: caller.user.id, label: caller.user.email }, ip: caller.ip, subject: { type: 'meeting', id } },
        manager,
      );
      return saved;
    });
  }

  async listInvitations(caller: Caller, meetingId: string): Promise<Invitation[]> {
    const meeting = await this.get(caller, meetingId);
    return this.dataSource.getRepository(Invitation).find({ where: { meetingId: meeting.id }, order: { createdAt: 'ASC', email: 'ASC' } });
  }

  async addInvitees(caller: Caller, meetingId: string, dto: AddInviteesDto): Promise<Invitation[]> {
    return (await this.addInvitations(caller, meetingId, dto.invitees)).invitations;
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
    this.checkInviteeList(invitees);
    return this.dataSource.transaction(async (manager) => {
      const meeting = await this.get(caller, meetingId, manager, true);
      if (meeting.cancelledAt) throw new MeetingCancelled();
      const existing = invitees.length
        ? await manager.getRepository(Invitation).find({ where: { meetingId, email: In(invitees.map((i) => i.email.toLowerCase())) } })
        : [];
      if (existing.length && !options.skipExisting) throw new DuplicateInvitees(existing.map((i) => i.email));
      const skipped = new Set(existing.map((i) => i.email));
      const invitations = await this.insertInvitations(
        manager,
        meeting,
        invitees.filter((i) => !skipped.has(i.email.toLowerCase())),
        options.groupName,
      );
      if (invitations.length) await this.scheduleReminders(manager, meeting);
      await this.audit.record(
        {
          action: options.groupName === undefined ? 'invitation.added' : 'invitation.group_added',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id: meetingId },
          metadata: { count: invitations.length, ...(options.groupName === undefined ? {} : { group: options.groupName, skipped: skipped.size }) },
        },
        manager,
      );
      return { invitations, skipped: [...skipped].sort() };
    });
  }

  /**
   * The meetings a person is invited to and can still join: invitations bound to them, or sent
   * to their verified email; with the next occurrence and whether its window is open.
   */
  async invitationsFor(user: User): Promise<{ invitation: Invitation; meeting: Meeting; next: Occurrence; open: boolean; link: string }[]> {
    const query = this.dataSource
      .getRepository(Invitation)
      .createQueryBuilder('invitation')
      .innerJoinAndSelect('invitation.meeting', 'meeting')
      .where('invitation.status <> :revoked', { revoked: 'revoked' })
      .andWhere('meeting.cancelled_at IS NULL')
      // Only meetings whose join window has not closed (series: their occurrences decide below):
      // after years of lessons, the oldest 200 were all over and the upcoming ones never shown.
      .andWhere('(meeting.rrule IS NOT NULL OR meeting.ends_at + make_interval(mins => meeting.join_after_minutes) > :now)', { now: this.clock.now() })
      .andWhere(
        user.emailVerified
          ? '(invitation.bound_user_id = :user OR (invitation.bound_user_id IS NULL AND invitation.email = :email))'
          : 'invitation.bound_user_id = :user',
        {
          user: user.id,
          email: user.email.toLowerCase(),
        },
      )
      .orderBy('meeting.starts_at', 'ASC')
      // limit(), not take(): one row per invitation (the join is many-to-one), so no second,
      // DISTINCT query over every invitation of the person.
      .limit(200);
    const now = this.clock.now();
    const result = [];
    for (const invitation of await query.getMany()) {
      const meeting = invitation.meeting!;
      const window = this.safely(meeting, () => joinWindowOf(meeting, now));
      if (!window?.occurrence) continue;
      result.push({ invitation, meeting, next: window.occurrence, open: window.open, link: `/j/${this.linkCodes.codeFor(invitation)}` });
    }
    return result.sort((a, b) => a.next.startsAt.getTime() - b.next.startsAt.getTime());
  }

  /** The occurrences of a meeting in a range (cancelled ones marked when asked for). */
  async occurrences(caller: Caller, id: string, from: Date, to: Date) {
    const meeting = await this.get(caller, id);
    return occurrencesOf(meeting, from, to, { includeCancelled: true });
  }

  /** Cancels or moves one occurrence of a series (an exception); invitees get an update. */
  async changeOccurrence(caller: Caller, id: string, occurrenceIso: string, dto: ChangeOccurrenceDto): Promise<Meeting> {
    const policy = await this.policy.current();
    return this.dataSource.transaction(async (manager) => {
      const meeting = await this.get(caller, id, manager, true);
      if (dto.version === undefined)
        throw new InvalidInputError([{ field: 'version', messages: ['version (or If-Match) is required: the meeting version you edited'] }]);
      if (meeting.version !== dto.version) throw new MeetingVersionConflict(dto.version, meeting.version);
      if (meeting.cancelledAt) throw new MeetingCancelled();
      const occurrence = new Date(occurrenceIso);
      const exists =
        meeting.rrule &&
        !Number.isNaN(occurrence.getTime()) &&
        occurrencesOf({ ...meeting, recurrenceExceptions: [] }, new Date(occurrence.getTime() - 1), new Date(occurrence.getTime() + 1)).some(
          (candidate) => candidate.occurrence.getTime() === occurrence.getTime(),
        );
      if (!exists) throw new InvalidInputError([{ field: 'occurrence', messages: ['this meeting has no occurrence starting then'] }]);
      const exception: OccurrenceException = { occurrence: occurrence.toISOString() };
      if (dto.cancelled) exception.cancelled = true;
      else {
        const { startsAt, endsAt } = this.checkTimes({ startsAt: dto.startsAt ?? '', endsAt: dto.endsAt ?? '', timezone: meeting.timezone }, policy, false);
        exception.startsAt = startsAt.toISOString();
        exception.endsAt = endsAt.toISOString();
      }
      meeting.recurrenceExceptions = [...meeting.recurrenceExceptions.filter((e) => e.occurrence !== exception.occurrence), exception];
      const saved = await manager.getRepository(Meeting).save(meeting);
      await this.scheduleReminders(manager, saved, await this.notifyAll(manager, saved, 'update'));
      await this.audit.record(
        {
          action: dto.cancelled ? 'meeting.occurrence_cancelled' : 'meeting.occurrence_moved',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id },
          metadata: { ...exception },
        },
        manager,
      );
      return saved;
    });
  }

  /** Revoke: the personal link stops working at once. */
  async revokeInvitation(caller: Caller, meetingId: string, invitationId: string): Promise<Invitation> {
    return this.changeInvitation(caller, meetingId, invitationId, 'invitation.revoked', async (manager, invitation) => {
      invitation.status = 'revoked';
      await manager.getRepository(OutboxMessage).delete({ invitationId: invitation.id, kind: 'reminder', status: In(['pending', 'retrying']) });
      return invitation;
    });
  }

  /** Resend: a new mail; with `newLink` the old link dies and a new one is sent. */
  async resendInvitation(caller: Caller, meetingId: string, invitationId: string, newLink = false): Promise<Invitation> {
    return this.changeInvitation(caller, meetingId, invitationId, 'invitation.resent', async (manager, invitation, meeting) => {
      if (newLink) {
        invitation.linkCodeSalt = this.linkCodes.newSalt();
        invitation.linkCodeHash = this.linkCodes.hashFor(invitation);
        invitation.boundUserId = null;
      }
      invitation.status = 'pending';
      // The new invitation replaces earlier ones still waiting for SMTP (failed before, not sent,
      // also when relayed for their next attempt): one mail when it is back. One being tried right
      // now (locked by the worker) is left alone rather than waited for.
      await manager.query(
        `DELETE FROM outbox_messages WHERE id IN (
           SELECT id FROM outbox_messages WHERE invitation_id = $1 AND kind IN ('invite', 'update') AND status IN ('retrying', 'queued') AND failing_since IS NOT NULL FOR UPDATE SKIP LOCKED)`,
        [invitation.id],
      );
      await this.writeOutbox(manager, [invitation], 'invite', meeting.version - 1);
      return invitation;
    });
  }

  async changeRole(caller: Caller, meetingId: string, invitationId: string, role: 'participant' | 'moderator'): Promise<Invitation> {
    return this.changeInvitation(caller, meetingId, invitationId, 'invitation.role_changed', async (_manager, invitation) => {
      invitation.role = role;
      return invitation;
    });
  }

  private async changeInvitation(
    caller: Caller,
    meetingId: string,
    invitationId: string,
    action: string,
    change: (manager: EntityManager, invitation: Invitation, meeting: Meeting) => Promise<Invitation>,
  ): Promise<Invitation> {
    return this.dataSource.transaction(async (manager) => {
      const meeting = await this.get(caller, meetingId, manager);
      const invitation = isUUID(invitationId) ? await manager.getRepository(Invitation).findOneBy({ id: invitationId, meetingId: meeting.id }) : null;
      if (!invitation) throw new InvitationNotFound(invitationId);
      const changed = await manager.getRepository(Invitation).save(await change(manager, invitation, meeting));
      await this.audit.record(
        {
          action,
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'invitation', id: invitation.id },
          metadata: { meetingId, email: invitation.email, role: changed.role },
        },
        manager,
      );
      return changed;
    });
  }

  private async insertInvitations(manager: EntityManager, meeting: Meeting, invitees: InviteeDto[], groupName: string | null = null): Promise<Invitation[]> {
    if (!invitees.length) return [];
    const rows = invitees.map((invitee) => {
      const id = randomUUID();
      const salt = this.linkCodes.newSalt();
      return manager.getRepository(Invitation).create({
        id,
        meetingId: meeting.id,
        email: invitee.email.toLowerCase(),
        // From a form, a pasted list or a directory: one line, no control characters.
        name: singleLine(invitee.name ?? '').trim(),
        role: invitee.role ?? 'participant',
        linkCodeSalt: salt,
        linkCodeHash: this.linkCodes.hashFor({ id, linkCodeSalt: salt }),
        status: 'pending',
        groupName,
      });
    });
    const invitations = await manager.getRepository(Invitation).save(rows, { chunk: 200 });
    await this.writeOutbox(manager, invitations, 'invite', meeting.version - 1);
    return invitations;
  }

  /**
   * Reminder mails as outbox rows due `reminderMinutes` before each occurrence of the next
   * REMINDER_HORIZON: rewritten on every change (so an edit moves them, a cancel removes them),
   * and topped up for longer series by topUpReminders() (the worker runs it every few hours).
   */
  private async scheduleReminders(manager: EntityManager, meeting: Meeting, known?: Invitation[]): Promise<void> {
    const invitations = known ?? (await manager.getRepository(Invitation).find({ where: { meetingId: meeting.id } }));
    if (!invitations.length) return;
    await manager
      .getRepository(OutboxMessage)
      .delete({ invitationId: In(invitations.map((i) => i.id)), kind: 'reminder', status: In(['pending', 'retrying']) });
    const minutes = meeting.options.reminderMinutes === undefined ? 15 : meeting.options.reminderMinutes;
    if (meeting.cancelledAt || !minutes) return;
    const now = this.clock.now();
    const rows: OutboxMessage[] = [];
    // A series saved before schedules were checked may not expand: its invitees are still added and told, without reminders.
    const occurrences = this.safely(meeting, () => occurrencesOf(meeting, now, new Date(now.getTime() + REMINDER_HORIZON_MS))) ?? [];
    for (const occurrence of occurrences) {
      const due = new Date(occurrence.startsAt.getTime() - minutes * 60_000);
      if (due <= now) continue;
      for (const invitation of invitations.filter((i) => i.status !== 'revoked')) {
        rows.push(
          manager.getRepository(OutboxMessage).create({
            kind: 'reminder',
            invitationId: invitation.id,
            payload: { sequence: meeting.version - 1, occurrence: occurrence.occurrence.toISOString() },
            status: 'pending',
            notBefore: due,
          }),
        );
      }
    }
    if (rows.length) await manager.getRepository(OutboxMessage).save(rows, { chunk: 500 });
  }

  /** Tells every invitee (not the revoked) about a change; returns the meeting's invitations. */
  private async notifyAll(manager: EntityManager, meeting: Meeting, kind: OutboxKind): Promise<Invitation[]> {
    const invitations = await manager.getRepository(Invitation).find({ where: { meetingId: meeting.id } });
    await this.writeOutbox(
      manager,
      invitations.filter((i) => i.status !== 'revoked'),
      kind,
      meeting.version - 1,
    );
    return invitations;
  }

  private async writeOutbox(manager: EntityManager, invitations: Invitation[], kind: OutboxKind, sequence: number): Promise<void> {
    if (!invitations.length) return;
    const now = this.clock.now();
    await manager.getRepository(OutboxMessage).save(
      invitations.map((invitation) =>
        manager.getRepository(OutboxMessage).create({ kind, invitationId: invitation.id, payload: { sequence }, status: 'pending', notBefore: now }),
      ),
      { chunk: 200 },
    );
  }

  /**
   * Moves the reminder horizon of every running series forward: reminders due in the next
   * REMINDER_HORIZON exist for every date. Each meeting is rewritten under its row lock, so an edit
   * at the same moment waits (no reminder is lost or doubled). Returns how many series it looked at.
   */
  async topUpReminders(): Promise<number> {
    const now = this.clock.now();
    // A series that ended (COUNT/UNTIL) has no date in the horizon and is skipped below.
    const candidates: { id: string }[] = await this.dataSource.query('SELECT id FROM meetings WHERE rrule IS NOT NULL AND cancelled_at IS NULL');
    let looked = 0;
    for (const { id } of candidates) {
      try {
        await this.dataSource.transaction(async (manager) => {
          const meeting = await manager.getRepository(Meeting).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
          if (!meeting || meeting.cancelledAt || !occurrencesOf(meeting, now, new Date(now.getTime() + REMINDER_HORIZON_MS)).length) return;
          looked += 1;
          await this.scheduleReminders(manager, meeting);
        });
      } catch (error) {
        // One series whose stored schedule cannot be expanded never stops the others.
        if (!(error instanceof MeetingScheduleInvalid)) throw error;
        this.logger.warn({ meetingId: id, reason: (error.details as { reason?: string }).reason }, 'Reminder top-up skips a series whose schedule is invalid');
      }
    }
    return looked;
  }

  /**
   * Running series whose stored rule cannot be expanded (saved before schedules were checked):
   * the worker lists them in its log at start, so an operator can ask their organizers to fix them.
   */
  async invalidSeries(): Promise<{ id: string; organizerId: string; title: string; rrule: string; reason: string }[]> {
    const rows: Meeting[] = await this.dataSource.getRepository(Meeting).find({
      where: { rrule: Not(IsNull()), cancelledAt: IsNull() },
      select: { id: true, organizerId: true, title: true, rrule: true, startsAt: true, endsAt: true, timezone: true },
    });
    const invalid = [];
    for (const meeting of rows) {
      try {
        occurrencesOf(meeting, meeting.startsAt, meeting.startsAt);
      } catch (error) {
        if (!(error instanceof MeetingScheduleInvalid)) throw error;
        invalid.push({
          id: meeting.id,
          organizerId: meeting.organizerId,
          title: meeting.title,
          rrule: meeting.rrule!,
          reason: String((error.details as { reason?: string }).reason),
        });
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
      this.logger.warn({ meetingId: meeting.id, reason: (error.details as { reason?: string }).reason }, 'The stored schedule of a meeting is invalid');
      return undefined;
    }
  }

  /** Administration: how many meetings a person organized, and the latest ones. */
  async organizedBy(userId: string, limit = 10): Promise<{ total: number; recent: Meeting[] }> {
    const [recent, total] = await this.dataSource
      .getRepository(Meeting)
      .findAndCount({ where: { organizerId: userId }, order: { startsAt: 'DESC' }, take: limit });
    return { total, recent };
  }

  /** Servers this organizer may schedule on: enabled, allowed by the organisation policy and by the server's own role list. */
  async usableServers(caller: Caller, manager: EntityManager = this.dataSource.manager, policy?: OrgPolicy): Promise<JitsiServer[]> {
    const { organizerServerIds } = policy ?? (await this.policy.current());
    return this.servers.usableFor(caller.user.idpRoles, organizerServerIds, wrapManager(manager));
  }

  private async pickServer(manager: EntityManager, caller: Caller, serverId: string | undefined, policy: OrgPolicy): Promise<JitsiServer> {
    const usable = await this.usableServers(caller, manager, policy);
    const server = serverId ? usable.find((candidate) => candidate.id === serverId) : usable[0];
    if (!server) throw new NoServerAvailable();
    return server;
  }

  /** checkSchedule() with the clock and the organisation policy; a refusal is a 400 with field messages. */
  private checkTimes(input: { startsAt: string; endsAt: string; timezone: string; recurrence?: string | null }, policy: OrgPolicy, isNew: boolean) {
    const checked = checkSchedule(input, { now: this.clock.now(), isNew, maxMeetingMinutes: policy.maxMeetingMinutes });
    if (!checked.ok) throw new InvalidSchedule(checked.problems);
    return checked.value;
  }

  /** Guest access only where the organisation allows it, and it implies "login not required". */
  private checkOptions(options: MeetingOptions, policy: OrgPolicy, previous?: MeetingOptions): MeetingOptions {
    // A meeting that already had guests keeps its setting when other fields change; turning it on needs the policy.
    if (options.guestAccess && !policy.guestAccessAllowed && !previous?.guestAccess) {
      throw new InvalidInputError([{ field: 'options.guestAccess', messages: ['guest access is not allowed by your organisation'] }]);
    }
    if (!options.guestAccess) return { ...options, guestAccess: false, requireLogin: true };
    return { ...options, requireLogin: false };
  }

  private checkInviteeList(invitees: InviteeDto[]): void {
    const seen = new Map<string, number>();
    const problems: FieldError[] = [];
    invitees.forEach((invitee, index) => {
      const email = invitee.email.toLowerCase();
      if (seen.has(email)) problems.push({ field: `invitees.${index}.email`, messages: [`${email} is listed twice (also at ${seen.get(email)})`] });
      else seen.set(email, index);
    });
    if (problems.length) throw new InvalidInputError(problems);
  }
}
