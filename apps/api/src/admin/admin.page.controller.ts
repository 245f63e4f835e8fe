import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '@moderato/audit';
import { AppConfig } from '@moderato/config';
import { ApiTokensService, RequireRoles, SelfLockout, SessionsService, UsersService, type User } from '@moderato/identity';
import { JitsiInteropService, JitsiServersService } from '@moderato/jitsi';
import { WorkerHeartbeatsStore } from '@moderato/jobs';
import { MeetingsAdminService } from '@moderato/meetings';
import { localizeFormErrors, setFlash, validateForm } from '@moderato/web';
import { actorOf } from '../common/actor';
import { PageQueryDto, RoleGrantDto, ROLE_FILTERS, UpdateUserDto, UsersQueryDto } from './dto/admin.dto';
import { PAGE_SIZE, pageLink, pagination } from './admin-views';
import { describeDevice } from '../account/device';
import { LiveRooms } from '../presence/live-rooms';

/** Administration pages: dashboard, users and roles, sessions. Policy and audit log: PolicyPageController, AuditPageController. */
@ApiExcludeController()
@RequireRoles('admin')
@Controller('admin')
export class AdminPageController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly apiTokens: ApiTokensService,
    private readonly meetings: MeetingsAdminService,
    private readonly servers: JitsiServersService,
    private readonly interop: JitsiInteropService,
    private readonly audit: AuditService,
    private readonly heartbeats: WorkerHeartbeatsStore,
    private readonly config: AppConfig,
    private readonly liveRooms: LiveRooms,
  ) {}

  @Get()
  @Render('admin/dashboard')
  async dashboard() {
    const [users, admins, sessions, servers, events, unverified, mailBacklog, worker] = await Promise.all([
      this.users.search({ page: 1, pageSize: 1 }),
      this.users.search({ role: 'admin', page: 1, pageSize: 1 }),
      this.sessions.listAllActive({ page: 1, pageSize: 1 }),
      this.servers.list(),
      this.audit.search({}, { page: 1, pageSize: 10 }),
      this.interop.unverified(),
      this.meetings.mailBacklog(),
      this.heartbeats.status(),
    ]);
    const linkable = [...(await this.audit.existingSubjects(events.events))];
    return {
      linkable,
      live: await this.liveRooms.list(),
      mailBacklog,
      worker,
      counts: {
        users: users.total,
        admins: admins.total,
        sessions: sessions.total,
        servers: servers.length,
        enabledServers: servers.filter((s) => s.enabled).length,
      },
      events: events.events,
      unverified,
    };
  }

  // ---- users ---------------------------------------------------------------------------

  @Get('users')
  async listUsers(@Query() rawQuery: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const query = await validateForm(UsersQueryDto, rawQuery);
    const filters = query.ok ? query.value : { q: undefined, role: undefined, page: 1 };
    const page = filters.page ?? 1;
    const shown = query.ok ? { q: filters.q ?? '', role: filters.role ?? '' } : { q: String(rawQuery.q ?? ''), role: String(rawQuery.role ?? '') };
    res
      .status(query.ok ? 200 : 400)
      .render(
        'admin/users',
        await this.usersPage({ q: filters.q, role: filters.role, page }, shown, query.ok ? {} : localizeFormErrors(query.errors, res.locals.t)),
      );
  }

  @Post('role-grants')
  async grant(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = await validateForm(RoleGrantDto, body);
    const grantErrors: Record<string, string[]> = form.ok ? {} : { ...form.errors };
    if (form.ok && !form.value.organizer && !form.value.admin) grantErrors.organizer = [res.locals.t('admin.grant.chooseOne')];
    if (!form.ok || Object.keys(grantErrors).length) {
      const grant = { email: String(body.email ?? ''), organizer: String(body.organizer ?? ''), admin: String(body.admin ?? '') };
      return res.status(400).render('admin/users', await this.usersPage({ page: 1 }, { q: '', role: '' }, {}, grant, grantErrors));
    }
    const { value } = form as { ok: true; value: RoleGrantDto };
    const result = await this.users.grantByEmail(
      value.email,
      { ...(value.organizer ? { organizer: value.organizer } : {}), ...(value.admin ? { admin: value.admin } : {}) },
      actorOf(req),
    );
    setFlash(res, this.config, { type: 'success', key: result.pending ? 'flash.grantPending' : 'flash.grantApplied', params: { email: value.email } });
    res.redirect(303, '/admin/users');
  }

  @Get('users/:id')
  @Render('admin/user')
  async showUser(@Param('id') id: string) {
    return this.userPage(await this.users.getById(id));
  }

  @Post('users/:id/roles')
  async changeRoles(@Param('id') id: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.users.getById(id);
    const form = await validateForm(UpdateUserDto, { organizer: body.organizer, admin: body.admin });
    if (!form.ok) return res.status(400).render('admin/user', { ...(await this.userPage(user)), errors: form.errors });
    try {
      await this.users.setRoleOverrides(id, { organizer: form.value.organizer, admin: form.value.admin }, actorOf(req));
    } catch (error) {
      if (error instanceof SelfLockout)
        return res.status(400).render('admin/user', { ...(await this.userPage(user)), errors: { admin: [res.locals.t('admin.user.selfLockout')] } });
      throw error;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.rolesChanged' });
    res.redirect(303, `/admin/users/${id}`);
  }

  @Post('users/:id/disable')
  async disable(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.setDisabled(id, true, req, res);
  }

  @Post('users/:id/enable')
  async enable(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.setDisabled(id, false, req, res);
  }

  @Post('users/:id/sessions/revoke')
  async revokeUserSessions(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const count = await this.sessions.revokeAllAsAdmin(await this.users.getById(id), actorOf(req));
    setFlash(res, this.config, { type: 'success', key: 'flash.userSessionsRevoked', params: { count: String(count) } });
    res.redirect(303, `/admin/users/${id}`);
  }

  @Post('users/:id/api-tokens/:tokenId/revoke')
  async revokeUserToken(@Param('id') id: string, @Param('tokenId') tokenId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.users.getById(id);
    await this.apiTokens.revoke(tokenId, actorOf(req), user.id);
    setFlash(res, this.config, { type: 'success', key: 'flash.apiTokenRevoked' });
    res.redirect(303, `/admin/users/${id}`);
  }

  // ---- sessions ------------------------------------------------------------------------

  @Get('sessions')
  async listSessions(@Query() rawQuery: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const query = await validateForm(PageQueryDto, rawQuery);
    const page = query.ok ? (query.value.page ?? 1) : 1;
    const { sessions, total } = await this.sessions.listAllActive({ page, pageSize: PAGE_SIZE });
    res.status(query.ok ? 200 : 400).render('admin/sessions', {
      sessions: sessions.map((session) => Object.assign(session, { device: describeDevice(session.userAgent) })),
      paging: pagination(page, total),
      previousLink: pageLink('/admin/sessions', {}, page - 1),
      nextLink: pageLink('/admin/sessions', {}, page + 1),
      errors: query.ok ? {} : localizeFormErrors(query.errors, res.locals.t),
      currentSessionId: res.req.auth?.session?.id,
    });
  }

  @Post('sessions/:id/revoke')
  async revokeSession(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.revokeAsAdmin(id, actorOf(req));
    setFlash(res, this.config, { type: 'success', key: 'flash.sessionRevoked' });
    res.redirect(303, '/admin/sessions');
  }

  // ---- helpers -------------------------------------------------------------------------

  private async setDisabled(id: string, disabled: boolean, req: Request, res: Response): Promise<void> {
    const user = await this.users.getById(id);
    try {
      const result = await this.users.setDisabled(id, disabled, actorOf(req));
      setFlash(res, this.config, {
        type: 'success',
        key: disabled ? 'flash.userDisabled' : 'flash.userEnabled',
        params: { count: String(result.sessionsRevoked) },
      });
    } catch (error) {
      if (error instanceof SelfLockout)
        return res.status(400).render('admin/user', { ...(await this.userPage(user)), errors: { disabled: [res.locals.t('admin.user.selfLockout')] } });
      throw error;
    }
    res.redirect(303, `/admin/users/${id}`);
  }

  /** The user list (one page of the search) with the role-grant form. */
  private async usersPage(
    search: { q?: string; role?: UsersQueryDto['role']; page: number },
    filters: { q: string; role: string },
    errors: Record<string, string[]>,
    grant = { email: '', organizer: '', admin: '' },
    grantErrors: Record<string, string[]> = {},
  ) {
    const { users, total } = await this.users.search({ ...search, pageSize: PAGE_SIZE });
    return {
      users: users.map((user) => ({ user, roles: this.users.rolesOf(user) })),
      filters,
      errors,
      roleFilters: ROLE_FILTERS,
      paging: pagination(search.page, total),
      previousLink: pageLink('/admin/users', search, search.page - 1),
      nextLink: pageLink('/admin/users', search, search.page + 1),
      grant,
      grantErrors,
      pendingGrants: await this.users.pendingGrants(),
    };
  }

  private async userPage(user: User) {
    const [sessions, tokens, organized] = await Promise.all([
      this.sessions.listActive(user.id),
      this.apiTokens.list(user.id),
      this.meetings.organizedBy(user.id),
    ]);
    return {
      target: user,
      roles: this.users.rolesOf(user),
      overrides: user.roleOverrides ?? {},
      sessions: sessions.map((session) => Object.assign(session, { device: describeDevice(session.userAgent) })),
      tokens,
      organized,
      errors: {},
    };
  }
}
