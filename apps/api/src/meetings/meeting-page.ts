import { Injectable } from '@nestjs/common';
import { DirectoryMisconfigured, DirectoryUnavailable } from '@moderato/identity';
import type { Locale } from '@moderato/config';
import {
  AttendanceService,
  EndMeetingService,
  InvitationsService,
  JoinWindows,
  SchedulingService,
  describeRecurrence,
  type Caller,
  type Invitation,
  type Meeting,
} from '@moderato/meetings';
import { PARTICIPANT_FEATURES, PolicyService, featuresFor } from '@moderato/policy';
import { validateForm } from '@moderato/web';
import { DirectorySearchDto } from './dto/directory.dto';
import { GroupInvitations } from './group-invitations';

/**
 * What the meeting page shows: the meeting, its dates, its invitees and groups, the directory
 * search. One place, so a form posted on the page (add people) can show it again with errors.
 */
@Injectable()
export class MeetingPage {
  constructor(
    private readonly meetings: SchedulingService,
    private readonly invitations: InvitationsService,
    private readonly groups: GroupInvitations,
    private readonly windows: JoinWindows,
    private readonly policy: PolicyService,
    private readonly ending: EndMeetingService,
    private readonly attendance: AttendanceService,
  ) {}

  /** `locale`: the page's language, for the series' rule in words ("Every Monday, 12 times"). */
  async data(caller: Caller, id: string, locale: Locale, find?: string) {
    const meeting = await this.meetings.get(caller, id);
    const invitations = await this.invitations.listInvitations(caller, id);
    // A series saved before schedules were checked: the page says so and links to the edit form.
    const { occurrences, scheduleInvalid } = this.meetings.upcomingDates(meeting);
    // "7b (30 people)": the groups invited, counting who is still invited.
    const groupCounts = new Map<string, number>();
    for (const invitation of invitations) {
      if (invitation.groupName && invitation.status !== 'revoked') groupCounts.set(invitation.groupName, (groupCounts.get(invitation.groupName) ?? 0) + 1);
    }
    // Start is offered while a date is to come; an ended meeting (its last date over) has none.
    const ended = this.windows.stateOf(meeting).state === 'ended';
    const groups = [...groupCounts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
    return {
      meeting,
      // A series' rule in words in the page's language, never FREQ=….
      seriesText: meeting.rrule ? describeRecurrence(meeting.rrule, locale, meeting.timezone, meeting.startsAt) : undefined,
      invitations,
      occurrences,
      scheduleInvalid,
      ended,
      // End meeting for everyone: offered while a date runs, on servers that can (RS256, Prosody URL).
      endMeeting: ended || meeting.cancelledAt ? undefined : await this.ending.offer(meeting),
      groups,
      participantFeatures: await this.participantFeatures(meeting.features),
      presence: await this.presenceOf(meeting, invitations),
      directory: await this.directorySearch(find),
      add: { text: '', role: 'participant', errors: [] as string[] },
    };
  }

  /** What the meeting's participants may do (their tokens' context.features), and which of it the organizer set; null when the policy puts none into tokens. */
  private async participantFeatures(overrides: Parameters<typeof featuresFor>[2]) {
    const effective = featuresFor((await this.policy.current()).participantFeatures, 'member', overrides);
    if (!effective) return null;
    return PARTICIPANT_FEATURES.map((feature) => ({ feature, allowed: effective[feature], changed: typeof overrides?.[feature] === 'boolean' }));
  }

  /**
   * Where the meeting's server sends presence events: who is in the room now, and per invitee
   * whether they were in the room on the last date that began ("Joined" is real presence). Where
   * it does not, the page says "Link used" (the personal link was opened) and why.
   */
  private async presenceOf(meeting: Meeting, invitations: Invitation[]) {
    const reports = await this.attendance.serverReports(meeting.serverId);
    if (!reports) return { reports, live: null, lastDate: null, attended: [] as string[] };
    const live = (await this.attendance.liveIn([{ serverId: meeting.serverId, roomName: meeting.roomName }])).get(
      `${meeting.serverId} ${meeting.roomName.toLowerCase()}`,
    );
    const last = this.attendance.pastDates(meeting, 1)[0];
    const report = last ? await this.attendance.reportOf(meeting, last, invitations) : null;
    const absent = new Set(report?.absent.map((a) => a.email) ?? []);
    // Revoked invitations are never "absent": they must not count as present either.
    const attended = report ? invitations.filter((i) => i.status !== 'revoked' && !absent.has(i.email)).map((i) => i.email) : [];
    return { reports, live: live ?? { count: 0, names: [] }, lastDate: last?.startsAt ?? null, attended };
  }

  /** The meeting page's directory search (people and groups), when a directory is configured. */
  private async directorySearch(find: string | undefined) {
    if (!this.groups.available) return null;
    const text = typeof find === 'string' ? find.trim().slice(0, 100) : '';
    if (!text) return { q: '', searched: false };
    const query = await validateForm(DirectorySearchDto, { q: text });
    if (!query.ok) return { q: text, searched: false, error: 'directory.tooShort' };
    try {
      return { q: text, searched: true, ...(await this.groups.search(query.value.q)) };
    } catch (error) {
      if (error instanceof DirectoryUnavailable) return { q: text, searched: false, error: 'directory.unavailable' };
      if (error instanceof DirectoryMisconfigured) return { q: text, searched: false, error: 'directory.misconfigured' };
      throw error;
    }
  }
}
