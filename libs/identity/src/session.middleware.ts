import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import './auth-context';
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
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (/^Bearer\s/i.test(req.headers.authorization ?? '')) return next();
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
    req.auth = { user: check.user, session: check.session, roles };
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
