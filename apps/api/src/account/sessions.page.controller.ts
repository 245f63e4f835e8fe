import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { CurrentAuth, SESSION_COOKIE, SessionsService, sessionCookieOptions, type AuthContext } from '@moderato/identity';
import { PolicyService } from '@moderato/policy';
import { setFlash } from '@moderato/web';
import { describeDevice } from './device';

@ApiExcludeController()
@Controller('account/sessions')
export class SessionsPageController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
    private readonly policy: PolicyService,
  ) {}

  private async sessionLimits() {
    const policy = await this.policy.current();
    return { idle: policy.sessionIdleMinutes, max: policy.sessionMaxHours };
  }

  /** "My sessions": where I am signed in, with a way out of each. */
  @Get()
  @Render('account-sessions')
  async list(@CurrentAuth() auth: AuthContext) {
    const sessions = await this.sessions.listActive(auth.user.id);
    return {
      sessionLimits: await this.sessionLimits(),
      sessions: sessions.map((session) => ({
        id: session.id,
        current: session.id === auth.session!.id,
        device: describeDevice(session.userAgent),
        ip: session.ip ?? '—',
        lastSeenAt: session.lastSeenAt,
        createdAt: session.createdAt,
      })),
    };
  }

  @Post(':id/revoke')
  @HttpCode(303)
  async revoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentAuth() auth: AuthContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.signOutOwn(auth.user, id, { current: id === auth.session!.id, ip: req.ip });
    if (id === auth.session!.id) {
      res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(this.config), signed: false });
      setFlash(res, this.config, { type: 'success', key: 'flash.signedOut' });
      res.redirect(303, '/');
      return;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.sessionRevoked' });
    res.redirect(303, '/account/sessions');
  }

  @Post('revoke-all')
  @HttpCode(303)
  async revokeAll(@CurrentAuth() auth: AuthContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.signOutEverywhere(auth.user, req.ip);
    res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(this.config), signed: false });
    setFlash(res, this.config, { type: 'success', key: 'flash.signedOutEverywhere' });
    res.redirect(303, '/');
  }
}
