import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { NotFoundError, Public } from '@moderato/core';
import {
  LOGIN_COOKIE,
  SESSION_COOKIE,
  SignInService,
  loginCookieOptions,
  sessionCookieOptions,
  type LoginTransaction,
  type SignInContext,
} from '@moderato/identity';
import { safeReturnTo, setFlash, validateForm } from '@moderato/web';
import { LoginFormDto } from './dto/login-form.dto';

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
    private readonly signIn: SignInService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Without LDAP: sends the browser to the identity provider. With LDAP: the sign-in form
   * (username and password, plus "sign in with <IdP>" when OpenID Connect is configured too).
   * Either way it comes back to `returnTo` (same-origin paths only).
   */
  @Get('login')
  async login(@Query('returnTo') returnTo: unknown, @Query('switch') switchAccount: unknown, @Res() res: Response): Promise<void> {
    if (this.signIn.ldapEnabled) return this.renderLoginForm(res, 200, { returnTo: safeReturnTo(returnTo), switchAccount: switchAccount === '1' });
    await this.redirectToIdp(returnTo, switchAccount, res);
  }

  /** The OpenID Connect sign-in, from the login form's "sign in with …" button. */
  @Get('oidc')
  async oidcLogin(@Query('returnTo') returnTo: unknown, @Query('switch') switchAccount: unknown, @Res() res: Response): Promise<void> {
    if (!this.config.oidc.enabled) throw new NotFoundError('OpenID Connect sign-in');
    await this.redirectToIdp(returnTo, switchAccount, res);
  }

  /** LDAP sign-in (SignInService.withLdap). Every refusal shows one message. */
  @Post('login')
  async ldapLogin(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.signIn.ldapEnabled) throw new NotFoundError('LDAP sign-in');
    const returnTo = safeReturnTo(body?.returnTo);
    const typed = typeof body?.username === 'string' ? body.username.trim().slice(0, 256) : '';
    const form = await validateForm(LoginFormDto, body);
    const passwordGiven = typeof body?.password === 'string' && body.password !== '';
    const result = await this.signIn.withLdap({ typed, credentials: form.ok ? form.value : null, passwordGiven }, this.contextOf(req));
    if (!result.ok) {
      return this.renderLoginForm(res, result.status, {
        returnTo,
        username: typed,
        error: result.problem === 'too_many_failures' ? 'login.tooMany' : 'login.invalid',
      });
    }
    res.cookie(SESSION_COOKIE, result.token, sessionCookieOptions(this.config));
    res.redirect(303, returnTo);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const transaction = readTransaction(req);
    // One use only: a replayed callback finds no transaction.
    res.clearCookie(LOGIN_COOKIE, { ...loginCookieOptions(this.config), maxAge: undefined, signed: false });
    const callbackUrl = new URL(req.originalUrl, this.config.publicUrl);
    const { token } = await this.signIn.withOidc(callbackUrl, transaction, this.contextOf(req));
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(this.config));
    res.redirect(303, safeReturnTo(transaction?.returnTo));
  }

  /** "Switch account" (e.g. from a link sent to someone else): sign out here, sign in anew. */
  @Post('switch')
  @HttpCode(303)
  async switchAccount(@Query('returnTo') returnTo: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(this.config), signed: false });
    if (req.auth?.session) await this.signIn.switchAccount(req.auth.user, req.auth.session, req.ip);
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
    const idpLogout = await this.signIn.signOut(req.auth.user, req.auth.session, req.ip);
    setFlash(res, this.config, { type: 'success', key: 'flash.signedOut' });
    res.redirect(303, idpLogout ?? '/');
  }

  private async redirectToIdp(returnTo: unknown, switchAccount: unknown, res: Response): Promise<void> {
    const { url, transaction } = await this.signIn.beginOidc(safeReturnTo(returnTo), { forceLogin: switchAccount === '1' });
    res.cookie(LOGIN_COOKIE, JSON.stringify(transaction), loginCookieOptions(this.config));
    res.redirect(302, url);
  }

  /** The browser signing in: where from, and the session it replaces (no session fixation). */
  private contextOf(req: Request): SignInContext {
    return {
      ip: req.ip,
      userAgent: req.headers['user-agent'] ?? null,
      currentSessionId: req.auth?.session?.id ?? null,
      hadSessionCookie: typeof req.signedCookies?.[SESSION_COOKIE] === 'string',
    };
  }

  private renderLoginForm(
    res: Response,
    status: number,
    view: { returnTo: string; username?: string; error?: 'login.invalid' | 'login.tooMany'; switchAccount?: boolean },
  ): void {
    res.status(status).render('auth/login', { username: '', error: null, switchAccount: false, ...view, oidc: this.config.oidc.enabled });
  }
}
