import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '@moderato/audit';
import { Clock } from '@moderato/core';
import { ApiTokensService, RequireRoles, SessionsService, TokenScope, UsersService } from '@moderato/identity';
import { InvalidInputError } from '@moderato/core';
import { MeetingsAdminService, PersonDataService } from '@moderato/meetings';
import { PolicyService, UpdatePolicyDto } from '@moderato/policy';
import { actorOf } from '../common/actor';
import { AuditQueryDto, PageQueryDto, RoleGrantDto, UpdateUserDto, UsersQueryDto, auditFilterOf, auditRangeProblems, csvHeader, csvRow } from './dto/admin.dto';
import { DeleteUserDto } from './dto/delete-user.dto';
import { PAGE_SIZE, apiTokenView, auditView, pagination, sessionView, userView } from './admin-views';

/** Administration over the REST API: users and roles, sessions, policy, audit log. */
@ApiTags('admin')
@ApiCookieAuth()
@ApiBearerAuth()
@RequireRoles('admin')
@TokenScope('admin')
@Controller('api/v1/admin')
export class AdminController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly apiTokens: ApiTokensService,
    private readonly meetings: MeetingsAdminService,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly people: PersonDataService,
  ) {}

  @Get('users')
  @ApiOperation({ summary: 'Users, by name/email text and role, 50 per page' })
  async listUsers(@Query() query: UsersQueryDto) {
    const page = query.page ?? 1;
    const { users, total } = await this.users.search({ q: query.q, role: query.role, page, pageSize: PAGE_SIZE });
    return { items: users.map((user) => userView(user, this.users.rolesOf(user))), ...pagination(page, total) };
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'One user: roles, overrides, sessions, API tokens, meetings organized' })
  async getUser(@Param('id') id: string) {
    const user = await this.users.getById(id);
    const [sessions, tokens, organized] = await Promise.all([
      this.sessions.listActive(user.id),
      this.apiTokens.list(user.id),
      this.meetings.organizedBy(user.id),
    ]);
    return {
      ...userView(user, this.users.rolesOf(user)),
      sessions: sessions.map(sessionView),
      apiTokens: tokens.map(apiTokenView),
      meetingsOrganized: {
        total: organized.total,
        recent: organized.recent.map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt, cancelledAt: m.cancelledAt })),
      },
    };
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Change role overrides (grant/block/idp) or the disabled flag; takes effect on the next request' })
  async updateUser(@Param('id') id: string, @Body() dto: UpdateUserDto, @Req() req: Request) {
    const actor = actorOf(req);
    await this.users.getById(id);
    if (dto.organizer !== undefined || dto.admin !== undefined) await this.users.setRoleOverrides(id, { organizer: dto.organizer, admin: dto.admin }, actor);
    if (dto.disabled !== undefined) await this.users.setDisabled(id, dto.disabled, actor);
    const user = await this.users.getById(id);
    return userView(user, this.users.rolesOf(user));
  }

  @Delete('users/:id')
  @ApiOperation({
    summary:
      'Delete a person: account, sessions, API tokens, role grant and invitations; their audit events stay under a pseudonym. ' +
      'When they organise meetings, give meetingsTo (an organizer) or cancelMeetings: true, else 400. Not oneself, not the last admin.',
  })
  async deleteUser(@Param('id') id: string, @Body() dto: DeleteUserDto, @Req() req: Request) {
    if (dto.meetingsTo && dto.cancelMeetings)
      throw new InvalidInputError([{ field: 'cancelMeetings', messages: ['give meetingsTo or cancelMeetings, not both'] }]);
    return this.people.delete(id, { meetingsTo: dto.meetingsTo, cancelMeetings: dto.cancelMeetings }, actorOf(req));
  }

  @Get('users/:id/export')
  @ApiOperation({ summary: 'Everything Moderato keeps about a person, as JSON (right of access); no secret, hash or ID token. Audited.' })
  async exportUser(@Param('id') id: string, @Req() req: Request) {
    return this.people.export(id, actorOf(req));
  }

  @Post('users/:id/sessions/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every session of a user' })
  async revokeUserSessions(@Param('id') id: string, @Req() req: Request) {
    return { revoked: await this.sessions.revokeAllAsAdmin(await this.users.getById(id), actorOf(req)) };
  }

  @Delete('users/:id/api-tokens/:tokenId')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke one of a user's API tokens" })
  async revokeUserToken(@Param('id') id: string, @Param('tokenId') tokenId: string, @Req() req: Request): Promise<void> {
    const user = await this.users.getById(id);
    await this.apiTokens.revoke(tokenId, actorOf(req), user.id);
  }

  @Post('role-grants')
  @ApiOperation({ summary: 'Grant or block roles by email: applied at once, or at that person’s first login' })
  async grant(@Body() dto: RoleGrantDto, @Req() req: Request) {
    return this.users.grantByEmail(
      dto.email,
      { ...(dto.organizer ? { organizer: dto.organizer } : {}), ...(dto.admin ? { admin: dto.admin } : {}) },
      actorOf(req),
    );
  }

  @Get('sessions')
  @ApiOperation({ summary: 'Every live session, most recently used first, 50 per page' })
  async listSessions(@Query() query: PageQueryDto) {
    const page = query.page ?? 1;
    const { sessions, total } = await this.sessions.listAllActive({ page, pageSize: PAGE_SIZE });
    return { items: sessions.map(sessionView), ...pagination(page, total) };
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End one session' })
  async revokeSession(@Param('id') id: string, @Req() req: Request): Promise<void> {
    await this.sessions.revokeAsAdmin(id, actorOf(req));
  }

  @Get('policy')
  @ApiOperation({ summary: 'The organisation policy in force, its environment defaults, and who changed it last' })
  async getPolicy() {
    return this.policy.describe();
  }

  @Put('policy')
  @ApiOperation({ summary: 'Change the organisation policy (fields left out keep their value)' })
  async putPolicy(@Body() dto: UpdatePolicyDto, @Req() req: Request) {
    return this.policy.update(dto, actorOf(req));
  }

  @Delete('policy')
  @ApiOperation({ summary: 'Back to the environment defaults' })
  async resetPolicy(@Req() req: Request) {
    return this.policy.reset(actorOf(req));
  }

  @Get('audit')
  @ApiOperation({ summary: 'Audit events, newest first, filtered by actor, action, date range and subject; 50 per page' })
  async listAudit(@Query() query: AuditQueryDto) {
    const problems = auditRangeProblems(query);
    if (problems.length) throw new InvalidInputError(problems);
    const page = query.page ?? 1;
    const { events, total } = await this.audit.search(auditFilterOf(query), { page, pageSize: PAGE_SIZE });
    return { items: events.map(auditView), ...pagination(page, total) };
  }

  @Get('audit.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The filtered audit log as CSV (at most 100,000 rows)' })
  async exportAudit(@Query() query: AuditQueryDto, @Res() res: Response): Promise<void> {
    await streamAuditCsv(this.audit, query, res, this.clock.now());
  }
}

/** Streams the filtered audit log as a CSV download. */
export async function streamAuditCsv(audit: AuditService, query: AuditQueryDto, res: Response, now: Date): Promise<void> {
  const problems = auditRangeProblems(query);
  if (problems.length) throw new InvalidInputError(problems);
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .attachment(`moderato-audit-${now.toISOString().slice(0, 10)}.csv`);
  res.write('\ufeff' + csvHeader());
  for await (const batch of audit.stream(auditFilterOf(query))) {
    if (!res.write(batch.map(csvRow).join(''))) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
