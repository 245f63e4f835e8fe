import type { CookieOptions, Response } from 'express';
import type { AppConfig } from '@moderato/config';

export const COOKIES = {
  csrf: 'moderato_csrf',
  locale: 'moderato_lang',
  flash: 'moderato_flash',
} as const;

/** Cookie defaults: HttpOnly, SameSite=Lax, Secure whenever Moderato is served over https. */
export function cookieOptions(config: AppConfig, extra: CookieOptions = {}): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https://'),
    path: '/',
    ...extra,
  };
}

export function setCookie(res: Response, config: AppConfig, name: string, value: string, extra: CookieOptions = {}) {
  res.cookie(name, value, cookieOptions(config, extra));
}
