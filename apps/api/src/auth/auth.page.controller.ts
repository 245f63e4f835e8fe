import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '@moderato/audit';
import { AppConfig } from '@moderato/config';
import { Clock, DomainError, NotFoundError, Public } from '@moderato/core';
import {
  InvalidCredentials,
  LOGIN_COOKIE,
  LdapService,
  LoginFailed,
  OidcService,
  SESSION_COOKIE,
  SessionsService,
  UsersService,
  loginCookieOptions,
  sessionCookieOptions,
  type LoginTransaction,
  type User,
} from '@moderato/identity';
import { safeReturnTo, setFlash, validateForm } from '@moderato/web';
import { LoginFormDto } from './login-form.dto';

/** Failed LDAP sign-ins per username before the account's sign-in pauses (brute force). */
const MAX_FAILURES_PER_USERNAME = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

/**
 * The key of the per-username failure counter: NFKC and case folding, the way the directory
 * compares names, so "ｓtudent2" (fullwidth s) or "STUDENT2" do not get fresh guesses for student2.
 */
function usernameKey(typed: string): string {
  // Upper then lower case folds what lower case alone keeps apart (ß and ẞ, ς and σ, ﬀ via NFKC).
  return typed.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

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
    private readonly ldap: LdapService,
    private readonly clock: Clock,
  ) {}

  /**
   * Without LDAP: sends the browser to the identity provider. With LDAP: the sign-in form
   * (username and password, plus "sign in with <IdP>" when OpenID Connect is configured too).
   * Either way it comes back to `returnTo` (same-origin paths only).
   */
  @Get('login')
  async login(@Query('returnTo') returnTo: unknown, @Query('switch') switchAccount: unknown, @Res() res: Response): Promise<void> {
    if (this.ldap.enabled) return this.renderLoginForm(res, 200, { returnTo: safeReturnTo(returnTo), switchAccount: switchAccount === '1' });
    await this.redirectToIdp(returnTo, switchAccount, res);
  }

  /** The OpenID Connect sign-in, from the login form's "sign in with …" button. */
  @Get('oidc')
  async oidcLogin(@Query('returnTo') returnTo: unknown, @Query('switch') switchAccount: unknown, @Res() res: Response): Promise<void> {
    if (!this.config.oidc.enabled) throw new NotFoundError('OpenID Connect sign-in');
    await this.redirectToIdp(returnTo, switchAccount, res);
  }

  /**
   * LDAP sign-in: service bind → search → bind as the person → groups → roles, then the same
   * user and session machinery as OpenID Connect. Every refusal shows one message.
   */
  @Post('login')
  async ldapLogin(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.ldap.enabled) throw new NotFoundError('LDAP sign-in');
    const returnTo = safeReturnTo(body?.returnTo);
    const typed = typeof body?.username === 'string' ? body.username.trim().slice(0, 256) : '';
    const username = usernameKey(typed);
    const refuse = async (error: InvalidCredentials, status: number) => {
      await this.audit.record({
        action: 'auth.login_failed',
        metadata: { code: error.code, details: error.details ?? null, method: 'ldap', username },
        ip: req.ip,
      });
      this.renderLoginForm(res, status, { returnTo, username: typed, error: error.problem === 'too_many_failures' ? 'login.tooMany' : 'login.invalid' });
    };
    const form = await validateForm(LoginFormDto, body);
    if (!form.ok) return refuse(new InvalidCredentials(typeof body?.password === 'string' && body.password ? 'invalid_username' : 'empty_password'), 401);
    const since = new Date(this.clock.now().getTime() - FAILURE_WINDOW_MS);
    if (username && (await this.audit.countSince('auth.login_failed', since, { method: 'ldap', username })) >= MAX_FAILURES_PER_USERNAME) {
      return refuse(new InvalidCredentials('too_many_failures'), 429);
    }
    try {
      const profile = await this.ldap.authenticate(form.value.username, form.value.password);
      const user = await this.users.upsertFromLogin(profile);
      await this.startSession(req, res, user, null, 'ldap');
      res.redirect(303, returnTo);
    } catch (error) {
      if (error instanceof InvalidCredentials) return refuse(error, 401);
      if (error instanceof DomainError) {
        await this.audit.record({
          action: error instanceof LoginFailed ? 'auth.login_failed' : 'auth.login_refused',
          metadata: { code: error.code, details: error.details ?? null, method: 'ldap', username },
          ip: req.ip,
        });
      }
      throw error;
    }
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
      await this.startSession(req, res, user, idToken, 'oidc');
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
      await this.audit.record({
        action: 'auth.logout',
        actor: { id: req.auth.user.id, label: req.auth.user.email },
        subject: { type: 'session', id: req.auth.session.id },
        metadata: { switchAccount: true },
        ip: req.ip,
      });
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
    // An LDAP session has no IdP session to end.
    const idToken = this.config.oidc.enabled ? await this.sessions.idTokenOf(session.id) : null;
    const idpLogout = idToken ? await this.oidc.logoutUrl(idToken) : null;
    res.redirect(303, idpLogout ?? '/');
  }

  private async redirectToIdp(returnTo: unknown, switchAccount: unknown, res: Response): Promise<void> {
    const { url, transaction } = await this.oidc.beginLogin(safeReturnTo(returnTo), { forceLogin: switchAccount === '1' });
    res.cookie(LOGIN_COOKIE, JSON.stringify(transaction), loginCookieOptions(this.config));
    res.redirect(302, url);
  }

  /** No session fixation: whatever session the browser had ends; a new id is issued. */
  private async startSession(req: Request, res: Response, user: User, idToken: string | null, method: 'oidc' | 'ldap'): Promise<void> {
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
      metadata: { roles: this.users.rolesOf(user), idpRoles: user.idpRoles, replacedSession: typeof previous === 'string', method },
      ip: req.ip,
    });
  }

  private renderLoginForm(
    res: Response,
    status: number,
    view: { returnTo: string; username?: string; error?: 'login.invalid' | 'login.tooMany'; switchAccount?: boolean },
  ): void {
    res.status(status).render('auth/login', { username: '', error: null, switchAccount: false, ...view, oidc: this.config.oidc.enabled });
  }
}
