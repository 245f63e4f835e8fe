import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCookieAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { InvalidInputError, MAX_PAGE } from '@moderato/core';
import { RequireRoles, TokenScope } from '@moderato/identity';
import {
  AddInviteesDto,
  ChangeInvitationDto,
  ChangeOccurrenceDto,
  CreateMeetingDto,
  InvitationsService,
  MeetingsQueryDto,
  OccurrencesQueryDto,
  ResendInvitationDto,
  SchedulingService,
  UpdateMeetingDto,
  type Invitation,
  type Meeting,
} from '@moderato/meetings';
import { validateForm } from '@moderato/web';
import { callerOf } from '../common/caller';
import { AddGroupInvitationDto, DirectorySearchDto } from './dto/directory.dto';
import { GroupInvitations } from './group-invitations';

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
    features: meeting.features,
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

/**
 * The query of a list, checked by its DTO. Named parameters, not `@Query() dto`: a parameter the
 * route does not know (`?pageSize=`) is ignored, as it always was, not refused.
 */
async function validQuery<T extends object>(dto: new () => T, query: Record<string, unknown>): Promise<T> {
  const checked = await validateForm(dto, query);
  if (!checked.ok) throw new InvalidInputError(Object.entries(checked.errors).map(([field, messages]) => ({ field, messages })));
  return checked.value;
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
    private readonly meetings: SchedulingService,
    private readonly invitationsService: InvitationsService,
    private readonly groups: GroupInvitations,
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
    const query = await validQuery(MeetingsQueryDto, { when, q, page });
    const result = await this.meetings.list(callerOf(req), query);
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
    const range = await validQuery(OccurrencesQueryDto, { from, to });
    return (await this.meetings.occurrences(callerOf(req), id, range.from, range.to)).map((o) => ({
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
    return (await this.invitationsService.listInvitations(callerOf(req), id)).map(invitationView);
  }

  @Patch(':id/invitations/:invitationId')
  @ApiOperation({ summary: "Change an invitee's role, or revoke the invitation (status: revoked)" })
  async changeInvitation(@Param('id') id: string, @Param('invitationId') invitationId: string, @Body() dto: ChangeInvitationDto, @Req() req: Request) {
    // The DTO refuses a change that names neither a role nor the status revoked.
    let invitation: Invitation | undefined;
    if (dto.role) invitation = await this.invitationsService.changeRole(callerOf(req), id, invitationId, dto.role);
    if (dto.status === 'revoked') invitation = await this.invitationsService.revokeInvitation(callerOf(req), id, invitationId);
    return invitationView(invitation!);
  }

  @Post(':id/invitations/:invitationId/resend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the invitation again (optionally with a new link)' })
  async resend(@Param('id') id: string, @Param('invitationId') invitationId: string, @Body() dto: ResendInvitationDto, @Req() req: Request) {
    return invitationView(await this.invitationsService.resendInvitation(callerOf(req), id, invitationId, dto.newLink ?? false));
  }

  @Post(':id/invitations')
  @ApiOperation({ summary: 'Invite more people (the same shape as invitees on create)' })
  async addInvitations(@Param('id') id: string, @Body() dto: AddInviteesDto, @Req() req: Request) {
    return (await this.invitationsService.addInvitees(callerOf(req), id, dto)).map(invitationView);
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
