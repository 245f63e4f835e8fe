import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AuditService } from '@moderato/audit';
import { Clock, ForbiddenError, InvalidInputError } from '@moderato/core';
import type { Caller } from '../caller';
import type { Invitation } from '../invitation.entity';
import { InvitationsStore } from '../invitations.store';
import type { Meeting } from '../meeting.entity';
import { MeetingsStore } from '../meetings.store';
import { MeetingNotFound } from '../meetings.errors';
import { occurrencesOf, type Occurrence } from '../occurrences';
import { attendanceCsv, attendanceOf, type Absentee, type Attendee } from './attendance';
import { PresenceStore, type PresenceRow } from './presence.store';

export class AttendanceForbidden extends ForbiddenError {
  constructor() {
    super('ATTENDANCE_FORBIDDEN', 'Attendance is shown only to the organizer, co-moderators and admins');
  }
}

export interface AttendanceReport {
  occurrence: string;
  startsAt: string;
  endsAt: string;
  attendees: Attendee[];
  absent: Absentee[];
}

/** A connection older than this and still open lost its events: not shown as in the room now. */
const LIVE_HORIZON_MS = 24 * 3600_000;

/**
 * Attendance per date from the presence Jitsi reported, for the organizer, the meeting's
 * co-moderators and admins only (others: 403). A date's connections are those that began in its
 * join window (from `joinBeforeMinutes` before its start to `joinAfterMinutes` after its end).
 */
@Injectable()
export class AttendanceService {
  constructor(
    private readonly meetings: MeetingsStore,
    private readonly invitations: InvitationsStore,
    private readonly presence: PresenceStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The meeting, if the caller may see its attendance (ForbiddenError otherwise). */
  async meetingFor(caller: Caller, id: string): Promise<Meeting> {
    const meeting = isUUID(id) ? await this.meetings.byId(id) : null;
    if (!meeting) throw new MeetingNotFound(id);
    if (meeting.organizerId === caller.user.id || caller.roles.includes('admin')) return meeting;
    const email = caller.user.email.toLowerCase();
    const invitations = await this.invitations.ofMeeting(meeting.id);
    const coModerator = invitations.some((i) => i.role === 'moderator' && i.status !== 'revoked' && (i.boundUserId === caller.user.id || i.email === email));
    if (!coModerator) throw new AttendanceForbidden();
    return meeting;
  }

  /** The dates that have begun (newest first, at most `limit`): those attendance can be asked for. */
  pastDates(meeting: Meeting, limit = 20): Occurrence[] {
    const now = this.clock.now();
    try {
      const from = new Date(Math.max(meeting.startsAt.getTime(), now.getTime() - 400 * 24 * 3600_000));
      return occurrencesOf(meeting, from, now)
        .filter((o) => o.startsAt.getTime() - meeting.joinBeforeMinutes * 60_000 <= now.getTime())
        .reverse()
        .slice(0, limit);
    } catch {
      return [];
    }
  }

  /** One date's attendance; `exported` (API, CSV) is audited. */
  async report(caller: Caller, id: string, occurrenceIso: string | undefined, exported: 'json' | 'csv' | null): Promise<AttendanceReport> {
    const meeting = await this.meetingFor(caller, id);
    const report = await this.reportOf(meeting, this.occurrenceOf(meeting, occurrenceIso), await this.invitations.ofMeeting(meeting.id));
    const { attendees, absent } = report;
    if (exported) {
      await this.audit.record({
        action: 'attendance.exported',
        actor: { id: caller.user.id, label: caller.user.email },
        ip: caller.ip ?? null,
        subject: { type: 'meeting', id: meeting.id },
        metadata: { occurrence: report.occurrence, format: exported, attendees: attendees.length, absent: absent.length },
      });
    }
    return report;
  }

  /**
   * One date's attendance of a meeting the caller already loaded with its invitations, and may
   * see (the meeting page: organizer and admins): no second read of either.
   */
  async reportOf(meeting: Meeting, occurrence: Occurrence, invitations: Invitation[]): Promise<AttendanceReport> {
    const opens = new Date(occurrence.startsAt.getTime() - meeting.joinBeforeMinutes * 60_000);
    const closes = new Date(occurrence.endsAt.getTime() + meeting.joinAfterMinutes * 60_000);
    const rows = await this.presence.between(meeting.serverId, meeting.roomName, opens, closes);
    const invitees = invitations.map((i) => ({
      id: i.id,
      email: i.email,
      name: i.name,
      role: i.role,
      boundUserId: i.boundUserId,
      revoked: i.status === 'revoked',
    }));
    const { attendees, absent } = attendanceOf(rows, invitees, { id: meeting.organizerId, email: '', name: '' }, this.clock.now());
    return {
      occurrence: occurrence.occurrence.toISOString(),
      startsAt: occurrence.startsAt.toISOString(),
      endsAt: occurrence.endsAt.toISOString(),
      attendees,
      absent,
    };
  }

  csv(report: AttendanceReport): string {
    return attendanceCsv(report.occurrence, report);
  }

  /** Who is in these rooms now (open connections), per `serverId roomName`. */
  async liveIn(rooms: { serverId: string; roomName: string }[]): Promise<Map<string, { count: number; names: string[] }>> {
    return this.group(await this.presence.open(rooms, new Date(this.clock.now().getTime() - LIVE_HORIZON_MS)));
  }

  /** Every room with someone in it now (admins' dashboard), with the meeting held there if any. */
  async liveEverywhere(): Promise<{ serverId: string; roomName: string; count: number; names: string[]; meeting: { id: string; title: string } | null }[]> {
    const live = this.group(await this.presence.openEverywhere(new Date(this.clock.now().getTime() - LIVE_HORIZON_MS)));
    const rooms = [...live.keys()].map((key) => ({ serverId: key.split(' ')[0], roomName: key.split(' ')[1] }));
    const meetings = new Map((await this.presence.meetingsIn(rooms)).map((m) => [`${m.serverId} ${m.roomName}`, { id: m.id, title: m.title }]));
    return rooms.map((room) => ({
      ...room,
      ...live.get(`${room.serverId} ${room.roomName}`)!,
      meeting: meetings.get(`${room.serverId} ${room.roomName}`) ?? null,
    }));
  }

  private group(rows: (PresenceRow & { serverId: string; roomName: string })[]): Map<string, { count: number; names: string[] }> {
    const result = new Map<string, { count: number; names: string[]; keys: Set<string> }>();
    for (const row of rows) {
      const key = `${row.serverId} ${row.roomName}`;
      const entry = result.get(key) ?? { count: 0, names: [], keys: new Set<string>() };
      const person = row.userId && !row.userId.startsWith('guest-') ? row.userId : `g:${row.name.toLowerCase() || row.occupantJid}`;
      if (!entry.keys.has(person)) {
        entry.keys.add(person);
        entry.count += 1;
        entry.names.push(row.name || '?');
      }
      result.set(key, entry);
    }
    return new Map([...result].map(([key, { count, names }]) => [key, { count, names }]));
  }

  /** Whether this server reports presence (then "Joined" is real presence, else "link used"). */
  serverReports(serverId: string): Promise<boolean> {
    return this.presence.serverReports(serverId);
  }

  private occurrenceOf(meeting: Meeting, iso: string | undefined): Occurrence {
    const at = iso ? new Date(iso) : null;
    if (!at || Number.isNaN(at.getTime()))
      throw new InvalidInputError([{ field: 'occurrence', messages: ['occurrence must be the ISO start of one of the meeting’s dates'] }]);
    const day = 24 * 3600_000;
    let found: Occurrence | undefined;
    try {
      found = occurrencesOf(meeting, new Date(at.getTime() - day), new Date(at.getTime() + day)).find((o) => o.occurrence.getTime() === at.getTime());
    } catch {
      found = undefined;
    }
    if (!found) throw new InvalidInputError([{ field: 'occurrence', messages: ['occurrence is not a date of this meeting'] }]);
    return found;
  }
}
