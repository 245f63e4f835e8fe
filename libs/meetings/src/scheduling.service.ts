import { Injectable } from '@nestjs/common';
import { Clock, InvalidInputError } from '@moderato/core';
import { Transactions, type Tx, isUniqueViolation } from '@moderato/database';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { PolicyService, type OrgPolicy } from '@moderato/policy';
import { AuditService } from '@moderato/audit';
import type { Caller } from './caller';
import type { ChangeOccurrenceDto, CreateMeetingDto, UpdateMeetingDto } from './dto/meeting.dto';
import { checkOccurrenceRange } from './dto/meetings-query.dto';
import type { Invitation } from './invitation.entity';
import { InvitationsService } from './invitations.service';
import { checkFeatures, checkInviteeList, checkOptions, checkTimes, checkVersion, visibleTo } from './meeting-checks';
import { DEFAULT_MEETING_OPTIONS, type Meeting, type OccurrenceException } from './meeting.entity';
import { MeetingsStore } from './meetings.store';
import { MeetingAlreadyCreated, MeetingCancelled, MeetingScheduleInvalid, NoServerAvailable } from './meetings.errors';
import { occurrencesOf, type Occurrence } from './occurrences';
import { RemindersService } from './reminders.service';
import { roomNameFor } from './room-name';

const DAY_MS = 24 * 3600_000;

/**
 * Scheduling: meetings and series, their changes and their dates. Every change that must notify
 * people writes its outbox rows in the same transaction, so no mail is lost when Redis or SMTP is down.
 */
@Injectable()
export class SchedulingService {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: MeetingsStore,
    private readonly invitations: InvitationsService,
    private readonly reminders: RemindersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
    private readonly servers: JitsiServersService,
  ) {}

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
      if (isUniqueViolation(error)) await this.refuseRepeatedForm(caller, formId);
      throw error;
    }
  }

  private async refuseRepeatedForm(caller: Caller, formId: string): Promise<void> {
    const earlier = await this.store.formSubmission(caller.user.id, formId);
    if (earlier) throw new MeetingAlreadyCreated(earlier.meetingId);
  }

  async create(caller: Caller, dto: CreateMeetingDto, options: { formId?: string } = {}): Promise<{ meeting: Meeting; invitations: Invitation[] }> {
    const policy = await this.policy.current();
    const { startsAt, endsAt, timezone, rrule } = checkTimes(
      { startsAt: dto.startsAt, endsAt: dto.endsAt, timezone: dto.timezone, recurrence: dto.recurrence },
      policy,
      this.clock.now(),
      true,
    );
    checkInviteeList(dto.invitees ?? []);
    return this.transactions.run(async (tx) => {
      const server = await this.pickServer(caller, dto.serverId, policy, tx);
      const meeting = await this.store.insert(
        {
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
          options: checkOptions({ ...DEFAULT_MEETING_OPTIONS, ...dto.options }, policy),
          features: checkFeatures(dto.features, policy),
        },
        tx,
      );
      if (options.formId) await this.store.recordFormSubmission({ organizerId: caller.user.id, formId: options.formId, meetingId: meeting.id }, tx);
      const invitations = await this.invitations.insertInvitations(meeting, dto.invitees ?? [], tx);
      await this.reminders.scheduleReminders(meeting, tx);
      await this.audit.record(
        {
          action: 'meeting.created',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id: meeting.id },
          metadata: { title: meeting.title, invitees: invitations.length },
        },
        tx,
      );
      return { meeting, invitations };
    });
  }

  /** The caller's meetings (an admin's too), upcoming or past, newest relevant first. */
  async list(caller: Caller, query: { when?: 'upcoming' | 'past'; q?: string; page?: number; pageSize?: number } = {}) {
    const pageSize = Math.min(Math.max(query.pageSize ?? 20, 1), 100);
    const page = Math.max(query.page ?? 1, 1);
    const cutoff = new Date(this.clock.now().getTime() - 3600_000);
    const [items, total] = await this.store.page(caller.user.id, {
      upcoming: query.when !== 'past',
      cutoff,
      q: query.q,
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  /** A meeting the caller may see: their own, or any for an admin. Others' are "not found". */
  async get(caller: Caller, id: string): Promise<Meeting> {
    return visibleTo(caller, id, await this.store.byId(id));
  }

  async update(caller: Caller, id: string, dto: UpdateMeetingDto): Promise<Meeting> {
    const policy = await this.policy.current();
    return this.transactions.run(async (tx) => {
      const meeting = await this.lockedForChange(caller, id, dto.version, tx);
      const { startsAt, endsAt, timezone, rrule } = checkTimes(
        {
          startsAt: dto.startsAt ?? meeting.startsAt.toISOString(),
          endsAt: dto.endsAt ?? meeting.endsAt.toISOString(),
          timezone: dto.timezone ?? meeting.timezone,
          recurrence: dto.recurrence === undefined ? meeting.rrule : dto.recurrence,
        },
        policy,
        this.clock.now(),
        false,
      );
      // What the invitees' mails show: a change to it tells them (an update).
      const announced = (m: Meeting) => ({
        title: m.title,
        description: m.description,
        startsAt: m.startsAt.getTime(),
        endsAt: m.endsAt.getTime(),
        rrule: m.rrule,
        timezone: m.timezone,
      });
      const before = announced(meeting);
      const featuresBefore = JSON.stringify(meeting.features);
      Object.assign(meeting, {
        title: dto.title ?? meeting.title,
        description: dto.description ?? meeting.description,
        startsAt,
        endsAt,
        rrule,
        timezone,
        joinBeforeMinutes: dto.joinWindowMinutesBefore ?? meeting.joinBeforeMinutes,
        joinAfterMinutes: dto.joinWindowMinutesAfter ?? meeting.joinAfterMinutes,
        options: checkOptions({ ...meeting.options, ...dto.options }, policy, meeting.options),
        features: checkFeatures(dto.features, policy, meeting.features),
      });
      const saved = await this.store.save(meeting, tx);
      const after = announced(saved);
      const changed = Object.keys(after).filter((key) => before[key as keyof typeof before] !== after[key as keyof typeof after]);
      // The update mail shows what changed, old → new (the old description is only flagged: its text can be long).
      const previous = {
        ...(changed.includes('title') ? { title: before.title } : {}),
        ...(changed.includes('startsAt') || changed.includes('endsAt')
          ? { startsAt: new Date(before.startsAt).toISOString(), endsAt: new Date(before.endsAt).toISOString() }
          : {}),
        ...(changed.includes('description') ? { description: true } : {}),
      };
      const invitations = changed.length ? await this.invitations.notifyAll(saved, 'update', tx, { previous }) : undefined;
      await this.reminders.scheduleReminders(saved, tx, invitations);
      await this.audit.record(
        {
          action: 'meeting.updated',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id },
          metadata: { changed, ...(JSON.stringify(saved.features) !== featuresBefore ? { features: saved.features } : {}) },
        },
        tx,
      );
      return saved;
    });
  }

  /** Cancels (never deletes): history stays, everyone invited is told. */
  async cancel(caller: Caller, id: string, version?: number): Promise<Meeting> {
    return this.transactions.run(async (tx) => {
      const meeting = visibleTo(caller, id, await this.store.byId(id, tx, { lock: true }));
      checkVersion(meeting, version, false);
      if (meeting.cancelledAt) return meeting;
      meeting.cancelledAt = this.clock.now();
      const saved = await this.store.save(meeting, tx);
      await this.reminders.scheduleReminders(saved, tx, await this.invitations.notifyAll(saved, 'cancel', tx));
      await this.audit.record(
        { action: 'meeting.cancelled', actor: { id: caller.user.id, label: caller.user.email }, ip: caller.ip, subject: { type: 'meeting', id } },
        tx,
      );
      return saved;
    });
  }

  /**
   * The occurrences of a meeting from `from` (default: now) to `to` (default: 90 days later),
   * cancelled ones marked.
   */
  async occurrences(caller: Caller, id: string, from?: Date, to?: Date): Promise<Occurrence[]> {
    const start = from ?? this.clock.now();
    const end = to ?? new Date(start.getTime() + 90 * DAY_MS);
    checkOccurrenceRange(start, end);
    const meeting = await this.get(caller, id);
    return occurrencesOf(meeting, start, end, { includeCancelled: true });
  }

  /**
   * The next dates of a series for its page (up to `count`, cancelled ones marked), and whether
   * its stored schedule cannot be expanded (saved before schedules were checked): the page says so.
   */
  upcomingDates(meeting: Meeting, count = 12): { occurrences: Occurrence[]; scheduleInvalid: boolean } {
    if (!meeting.rrule) return { occurrences: [], scheduleInvalid: false };
    const now = this.clock.now();
    try {
      return {
        occurrences: occurrencesOf(meeting, now, new Date(now.getTime() + 400 * DAY_MS), { includeCancelled: true }).slice(0, count),
        scheduleInvalid: false,
      };
    } catch (error) {
      if (!(error instanceof MeetingScheduleInvalid)) throw error;
      return { occurrences: [], scheduleInvalid: true };
    }
  }

  /** Cancels or moves one occurrence of a series (an exception); invitees get an update. */
  async changeOccurrence(caller: Caller, id: string, occurrenceIso: string, dto: ChangeOccurrenceDto): Promise<Meeting> {
    const policy = await this.policy.current();
    return this.transactions.run(async (tx) => {
      const meeting = await this.lockedForChange(caller, id, dto.version, tx);
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
        const moved = { startsAt: dto.startsAt ?? '', endsAt: dto.endsAt ?? '', timezone: meeting.timezone };
        const { startsAt, endsAt } = checkTimes(moved, policy, this.clock.now(), false);
        exception.startsAt = startsAt.toISOString();
        exception.endsAt = endsAt.toISOString();
      }
      meeting.recurrenceExceptions = [...meeting.recurrenceExceptions.filter((e) => e.occurrence !== exception.occurrence), exception];
      const saved = await this.store.save(meeting, tx);
      await this.reminders.scheduleReminders(saved, tx, await this.invitations.notifyAll(saved, 'update', tx));
      await this.audit.record(
        {
          action: dto.cancelled ? 'meeting.occurrence_cancelled' : 'meeting.occurrence_moved',
          actor: { id: caller.user.id, label: caller.user.email },
          ip: caller.ip,
          subject: { type: 'meeting', id },
          metadata: { ...exception },
        },
        tx,
      );
      return saved;
    });
  }

  /** Servers this organizer may schedule on: enabled, allowed by the organisation policy and by the server's own role list. */
  async usableServers(caller: Caller, tx?: Tx, policy?: OrgPolicy): Promise<JitsiServer[]> {
    const { organizerServerIds } = policy ?? (await this.policy.current());
    return this.servers.usableFor(caller.user.idpRoles, organizerServerIds, tx);
  }

  private async pickServer(caller: Caller, serverId: string | undefined, policy: OrgPolicy, tx: Tx): Promise<JitsiServer> {
    const usable = await this.usableServers(caller, tx, policy);
    const server = serverId ? usable.find((candidate) => candidate.id === serverId) : usable[0];
    if (!server) throw new NoServerAvailable();
    return server;
  }

  /** The meeting an edit changes, locked in `tx`: the caller's, the version they edited, not cancelled. */
  private async lockedForChange(caller: Caller, id: string, version: number | undefined, tx: Tx): Promise<Meeting> {
    const meeting = visibleTo(caller, id, await this.store.byId(id, tx, { lock: true }));
    checkVersion(meeting, version, true);
    if (meeting.cancelledAt) throw new MeetingCancelled();
    return meeting;
  }
}
