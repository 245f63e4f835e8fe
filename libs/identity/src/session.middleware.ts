import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import './auth-context';
import { ApiTokensService } from './api-tokens.service';
import { SESSION_COOKIE, sessionCookieOptions } from './cookies';
import { SessionsService } from './sessions.service';
import { UsersService } from './users.service';

/**
 * Resolves the session cookie into `req.auth` (and `res.locals.user` for the page shell).
 * A request that authenticates with `Authorization: Bearer` never uses the cookie.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly apiTokens: ApiTokensService,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (bearer || /^Bearer\s/i.test(req.headers.authorization ?? '')) {
      // API tokens count only on the REST API; pages never take them.
      if (!req.originalUrl.startsWith('/api/')) return next();
      const check = bearer ? await this.apiTokens.authenticate(bearer[1], req.ip ?? null) : ({ ok: false, reason: 'unknown' } as const);
      if (!check.ok) {
        req.tokenFailure = check.reason;
        return next();
      }
      req.auth = { user: check.user, session: null, roles: this.users.rolesOf(check.user), apiToken: { id: check.token.id, scopes: check.token.scopes } };
      return next();
    }
    const token: unknown = req.signedCookies?.[SESSION_COOKIE];
    if (req.cookies?.[SESSION_COOKIE] === undefined && token === undefined) return next();
    if (typeof token !== 'string') {
      res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(this.config), signed: false });
      req.authFailure = 'unknown';
      return next();
    }
    const check = await this.sessions.check(token);
    if (!check.ok) {
      res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(this.config), signed: false });
      req.authFailure = check.reason;
      return next();
    }
    const roles = this.users.rolesOf(check.user);
    req.auth = { user: check.user, session: check.session, roles, apiToken: null };
    res.locals.user = {
      id: check.user.id,
      displayName: check.user.displayName,
      email: check.user.email,
      roles,
      timezone: check.user.timezone,
    };
    next();
  }
}
