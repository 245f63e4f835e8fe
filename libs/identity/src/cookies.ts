import type { CookieOptions } from 'express';
import type { AppConfig } from '@moderato/config';

export const SESSION_COOKIE = 'moderato_session';
export const LOGIN_COOKIE = 'moderato_oidc';

/** HttpOnly, SameSite=Lax, Secure behind https, signed; no expiry, so closing the browser ends it. */
export function sessionCookieOptions(config: AppConfig): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https://'), signed: true, path: '/' };
}

/** The login transaction: ten minutes to come back from the IdP. */
export function loginCookieOptions(config: AppConfig): CookieOptions {
  return { ...sessionCookieOptions(config), path: '/auth', maxAge: 10 * 60_000 };
}
