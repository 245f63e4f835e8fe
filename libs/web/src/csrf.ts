import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { ForbiddenError } from '@moderato/core';
import { COOKIES, setCookie } from './cookies';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CsrfTokenInvalid extends ForbiddenError {
  constructor() {
    super('CSRF_INVALID', 'The CSRF token is missing or does not match');
  }
}

/**
 * The token a page embeds: an HMAC under COOKIE_SECRET of the browser's random CSRF cookie and
 * the id of the session it is signed in with (none for signed-out forms such as login and
 * language). A token is only good for that browser *and* that session: one signed-in person's
 * cookie and token never pass with another person's session, and a token from before sign-in
 * does not pass after it.
 */
export function csrfTokenFor(secret: string, cookieValue: string, sessionId: string | null = null): string {
  return createHmac('sha256', secret)
    .update(`csrf:${cookieValue}:session:${sessionId ?? ''}`)
    .digest('base64url');
}

/** The session the SessionMiddleware resolved (it runs first), without depending on identity. */
export function sessionIdOf(req: Request): string | null {
  const auth = (req as Request & { auth?: { session?: { id?: unknown } | null } }).auth;
  return typeof auth?.session?.id === 'string' ? auth.session.id : null;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * CSRF protection for every state-changing request made with cookies: the request must carry
 * the page's token in the `x-csrf-token` header or the `_csrf` form field. Requests that
 * authenticate with `Authorization: Bearer` carry no ambient credentials and are exempt
 * (the auth layer must then ignore cookies for them).
 */
@Injectable()
export class CsrfMiddleware implements NestMiddleware {
  constructor(private readonly config: AppConfig) {}

  use(req: Request, res: Response, next: NextFunction): void {
    let secretCookie: unknown = req.cookies?.[COOKIES.csrf];
    if (typeof secretCookie !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(secretCookie)) {
      secretCookie = randomBytes(32).toString('base64url');
      setCookie(res, this.config, COOKIES.csrf, secretCookie as string);
      // A request without the cookie cannot carry a matching token.
      if (!SAFE_METHODS.has(req.method)) req.cookies = { ...req.cookies, [COOKIES.csrf]: undefined };
    }
    const expected = csrfTokenFor(this.config.secrets.cookieSecret, secretCookie as string, sessionIdOf(req));
    res.locals.csrfToken = expected;

    if (SAFE_METHODS.has(req.method)) return next();
    if (/^Bearer\s+\S/i.test(req.headers.authorization ?? '')) return next();

    const body = req.body as Record<string, unknown> | undefined;
    // A multipart form (file upload) is parsed only later, in its route: its token comes in
    // the form's action URL instead (redacted from logs; Referrer-Policy keeps it on-site).
    const multipart = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
    const fromQuery = multipart ? req.query[CSRF_FIELD] : undefined;
    const sent = req.headers[CSRF_HEADER] ?? (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined) ?? fromQuery;
    const hadCookie = req.cookies?.[COOKIES.csrf] !== undefined;
    if (!hadCookie || typeof sent !== 'string' || !sameToken(sent, expected)) throw new CsrfTokenInvalid();
    // The token has done its job; keep it out of DTO validation (forbidNonWhitelisted).
    if (body && typeof body === 'object') delete body[CSRF_FIELD];
    next();
  }
}
