import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '@moderato/audit';
import { AppConfig } from '@moderato/config';
import { DomainError, Public } from '@moderato/core';
import {
  LOGIN_COOKIE,
  LoginFailed,
  OidcService,
  SESSION_COOKIE,
  SessionsService,
  UsersService,
  loginCookieOptions,
  sessionCookieOptions,
  type LoginTransaction,
} from '@moderato/identity';
import { safeReturnTo, setFlash } from '@moderato/web';

function readTransaction(req: Request): LoginTransaction | undefined {
  const raw: unknown = req.signedCookies?.[LOGIN_COOKIE];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<LoginTransaction>;
    const fields = [parsed.state, parsed.nonce, parsed.codeVerifier, parsed.returnTo];
    return fields.every((field) => typeof field === 'string') ? (parsed as LoginTransaction) : undefined;
  } catch {
    return undefined;
  }
}

@ApiExcludeController()
@Controller('auth')
@Public()
export class AuthPageController {
  constructor(
    private readonly oidc: OidcService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** Sends the browser to the identity provider; comes back to `returnTo` (same-origin paths only). */
  @Get('login')
  async login(@Query('returnTo') returnTo: unknown, @Query('switch') switchAccount: unknown, @Res() res: Response): Promise<void> {
    const { url, transaction } = await this.oidc.beginLogin(safeReturnTo(returnTo), { forceLogin: switchAccount === '1' });
    res.cookie(LOGIN_COOKIE, JSON.stringify(transaction), loginCookieOptions(this.config));
    res.redirect(302, url);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const transaction = readTransaction(req);
    // One use only: a replayed callback finds no transaction.
    res.clearCookie(LOGIN_COOKIE, { ...loginCookieOptions(this.config), maxAge: undefined, signed: false });
    const callbackUrl = new URL(req.originalUrl, this.config.publicUrl);
    try {
      const { profile, idToken } = await this.oidc.completeLogin(callbackUrl, transaction);
      const user = await this.users.upsertFromLogin(profile);
      // No session fixation: whatever session the browser had ends; a new id is issued.
      const previous: unknown = req.signedCookies?.[SESSION_COOKIE];
      if (req.auth?.session) await this.sessions.revoke(req.auth.session.id);
      const { token, session } = await this.sessions.create(user, {
        idToken,
        userAgent: req.headers['user-agent'] ?? null,
        ip: req.ip ?? null,
      });
      res.cookie(SESSION_COOKIE, token, sessionCookieOptions(this.config));
      await this.audit.record({
        action: 'auth.login',
        actor: { id: user.id, label: user.email },
        subject: { type: 'session', id: session.id },
        metadata: { roles: this.users.rolesOf(user), idpRoles: user.idpRoles, replacedSession: typeof previous === 'string' },
        ip: req.ip,
      });
      res.redirect(303, safeReturnTo(transaction?.returnTo));
    } catch (error) {
      if (error instanceof DomainError) {
        await this.audit.record({
          action: error instanceof LoginFailed ? 'auth.login_failed' : 'auth.login_refused',
          metadata: { code: error.code, details: error.details ?? null },
          ip: req.ip,
        });
      }
      throw error;
    }
  }

  /** "Switch account" (e.g. from a link sent to someone else): sign out here, sign in anew. */
  @Post('switch')
  @HttpCode(303)
  async switchAccount(@Query('returnTo') returnTo: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(this.config), signed: false });
    if (req.auth?.session) {
      await this.sessions.revoke(req.auth.session.id);
      await this.audit.record({ action: 'auth.logout', actor: { id: req.auth.user.id, label: req.auth.user.email }, subject: { type: 'session', id: req.auth.session.id }, metadata: { switchAccount: true }, ip: req.ip });
    }
    res.redirect(303, `/auth/login?switch=1&returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`);
  }

  /** Ends the local session and, when the IdP supports it, the IdP session too. */
  @Post('logout')
  @HttpCode(303)
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(this.config), signed: false });
    if (!req.auth?.session) {
      res.redirect(303, '/');
      return;
    }
    const { user, session } = req.auth;
    await this.sessions.revoke(session.id);
    await this.audit.record({
      action: 'auth.logout',
      actor: { id: user.id, label: user.email },
      subject: { type: 'session', id: session.id },
      ip: req.ip,
    });
    setFlash(res, this.config, { type: 'success', key: 'flash.signedOut' });
    res.redirect(303, (await this.oidc.logoutUrl(session.idToken)) ?? '/');
  }
}
