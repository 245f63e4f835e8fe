import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCookieAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { Clock, InvalidInputError, MAX_PAGE, pageNumberMessage, parsePageNumber } from '@moderato/core';
import { RequireRoles, TokenScope } from '@moderato/identity';
import { callerOf } from './caller';
import { AddGroupInvitationDto, DirectorySearchDto, GroupInvitations } from './group-invitations';
import {
  AddInviteesDto,
  ChangeInvitationDto,
  ChangeOccurrenceDto,
  CreateMeetingDto,
  MeetingsService,
  ResendInvitationDto,
  UpdateMeetingDto,
  type Invitation,
  type Meeting,
} from '@moderato/meetings';

export function meetingView(meeting: Meeting) {
  return {
    id: meeting.id,
    title: meeting.title,
    description: meeting.description,
    serverId: meeting.serverId,
    organizerId: meeting.organizerId,
    roomName: meeting.roomName,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    timezone: meeting.timezone,
    recurrence: meeting.rrule,
    recurrenceExceptions: meeting.recurrenceExceptions,
    joinWindowMinutesBefore: meeting.joinBeforeMinutes,
    joinWindowMinutesAfter: meeting.joinAfterMinutes,
    options: meeting.options,
    cancelledAt: meeting.cancelledAt?.toISOString() ?? null,
    version: meeting.version,
  };
}

export function invitationView(invitation: Invitation) {
  return {
    id: invitation.id,
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    status: invitation.status,
    sentAt: invitation.sentAt?.toISOString() ?? null,
    joinedAt: invitation.joinedAt?.toISOString() ?? null,
    group: invitation.groupName,
  };
}

/** `If-Match: "3"` (or 3) → 3; the body's version wins when both are given. */
function versionFrom(ifMatch: string | undefined): number | undefined {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

@ApiTags('meetings')
@ApiCookieAuth()
@ApiBearerAuth()
@TokenScope('meetings')
@Controller('api/v1/meetings')
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly groups: GroupInvitations,
    private readonly clock: Clock,
  ) {}

  @Post()
  @RequireRoles('organizer')
  @ApiOperation({ summary: 'Schedule a meeting (organizers); invitees get their personal link by mail' })
  async create(@Body() dto: CreateMeetingDto, @Req() req: Request) {
    const { meeting, invitations } = await this.meetings.create(callerOf(req), dto);
    return { ...meetingView(meeting), invitations: invitations.map(invitationView) };
  }

  @Get()
  @ApiOperation({ summary: 'My meetings' })
  @ApiQuery({ name: 'when', required: false, enum: ['upcoming', 'past'] })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE } })
  async list(@Req() req: Request, @Query('when') when?: string, @Query('q') q?: string, @Query('page') page?: string) {
    if (when !== undefined && when !== 'upcoming' && when !== 'past')
      throw new InvalidInputError([{ field: 'when', messages: ['when must be upcoming or past'] }]);
    const pageNumber = parsePageNumber(page);
    if (pageNumber === undefined) throw new InvalidInputError([{ field: 'page', messages: [pageNumberMessage()] }]);
    const result = await this.meetings.list(callerOf(req), { when: when as 'upcoming' | 'past' | undefined, q: q?.slice(0, 200), page: pageNumber });
    return { ...result, items: result.items.map(meetingView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One meeting (yours, or any for admins)' })
  async get(@Param('id') id: string, @Req() req: Request) {
    return meetingView(await this.meetings.get(callerOf(req), id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a meeting; send the version you edited (body or If-Match); a stale one is a 409' })
  @ApiHeader({ name: 'If-Match', required: false })
  async update(@Param('id') id: string, @Body() dto: UpdateMeetingDto, @Req() req: Request, @Headers('if-match') ifMatch?: string) {
    return meetingView(await this.meetings.update(callerOf(req), id, { ...dto, version: dto.version ?? versionFrom(ifMatch) }));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel a meeting (it is kept; everyone invited is told)' })
  @ApiHeader({ name: 'If-Match', required: false })
  async cancel(@Param('id') id: string, @Req() req: Request, @Headers('if-match') ifMatch?: string) {
    return meetingView(await this.meetings.cancel(callerOf(req), id, versionFrom(ifMatch)));
  }

  @Get(':id/occurrences')
  @ApiOperation({ summary: 'Occurrences between from and to (default: the next 90 days), in UTC; cancelled ones marked' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  async occurrences(@Param('id') id: string, @Req() req: Request, @Query('from') from?: string, @Query('to') to?: string) {
    const start = from ? new Date(from) : this.clock.now();
    const end = to ? new Date(to) : new Date(start.getTime() + 90 * 24 * 3600_000);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start || end.getTime() - start.getTime() > 800 * 24 * 3600_000) {
      throw new InvalidInputError([{ field: 'from', messages: ['from and to must be ISO dates, from before to, at most 800 days apart'] }]);
    }
    return (await this.meetings.occurrences(callerOf(req), id, start, end)).map((o) => ({
      occurrence: o.occurrence.toISOString(),
      startsAt: o.startsAt.toISOString(),
      endsAt: o.endsAt.toISOString(),
      cancelled: o.cancelled,
    }));
  }

  @Patch(':id/occurrences/:occurrence')
  @ApiOperation({ summary: 'Cancel ({cancelled: true}) or move ({startsAt, endsAt}) one occurrence of a series' })
  async changeOccurrence(
    @Param('id') id: string,
    @Param('occurrence') occurrence: string,
    @Body() dto: ChangeOccurrenceDto,
    @Req() req: Request,
    @Headers('if-match') ifMatch?: string,
  ) {
    return meetingView(await this.meetings.changeOccurrence(callerOf(req), id, occurrence, { ...dto, version: dto.version ?? versionFrom(ifMatch) }));
  }

  @Get(':id/invitations')
  @ApiOperation({ summary: 'Who is invited, with mail status and whether they joined' })
  async invitations(@Param('id') id: string, @Req() req: Request) {
    return (await this.meetings.listInvitations(callerOf(req), id)).map(invitationView);
  }

  @Patch(':id/invitations/:invitationId')
  @ApiOperation({ summary: "Change an invitee's role, or revoke the invitation (status: revoked)" })
  async changeInvitation(@Param('id') id: string, @Param('invitationId') invitationId: string, @Body() dto: ChangeInvitationDto, @Req() req: Request) {
    let invitation = undefined;
    if (dto.role) invitation = await this.meetings.changeRole(callerOf(req), id, invitationId, dto.role);
    if (dto.status === 'revoked') invitation = await this.meetings.revokeInvitation(callerOf(req), id, invitationId);
    if (!invitation) throw new InvalidInputError([{ field: 'role', messages: ['give a role or status'] }]);
    return invitationView(invitation);
  }

  @Post(':id/invitations/:invitationId/resend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the invitation again (optionally with a new link)' })
  async resend(@Param('id') id: string, @Param('invitationId') invitationId: string, @Body() dto: ResendInvitationDto, @Req() req: Request) {
    return invitationView(await this.meetings.resendInvitation(callerOf(req), id, invitationId, dto.newLink ?? false));
  }

  @Post(':id/invitations')
  @ApiOperation({ summary: 'Invite more people (the same shape as invitees on create)' })
  async addInvitations(@Param('id') id: string, @Body() dto: AddInviteesDto, @Req() req: Request) {
    return (await this.meetings.addInvitees(callerOf(req), id, dto)).map(invitationView);
  }

  @Post(':id/invitations/group')
  @ApiOperation({ summary: 'Invite every member of a directory group (LDAP); members already invited are skipped' })
  async addGroup(@Param('id') id: string, @Body() dto: AddGroupInvitationDto, @Req() req: Request) {
    const result = await this.groups.invite(callerOf(req), id, dto);
    return { ...result, invitations: result.invitations.map(invitationView) };
  }
}

@ApiTags('directory')
@ApiCookieAuth()
@ApiBearerAuth()
@TokenScope('meetings')
@Controller('api/v1/directory')
export class DirectoryController {
  constructor(private readonly groups: GroupInvitations) {}

  @Get('search')
  @RequireRoles('organizer', 'admin')
  @ApiOperation({ summary: 'People (with an email address) and groups of the directory whose name contains q' })
  search(@Query() query: DirectorySearchDto) {
    return this.groups.search(query.q);
  }
}
