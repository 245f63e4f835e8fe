import type { Request, Response } from 'express';
import type { AppConfig } from '@moderato/config';
import type { MessageKey } from '@moderato/i18n';
import { COOKIES, setCookie } from './cookies';

export type FlashType = 'success' | 'info' | 'warning' | 'error';
export interface FlashText {
  key: MessageKey;
  params?: Record<string, string | number>;
}
export interface Flash extends FlashText {
  type: FlashType;
  /** Further sentences of the same message, shown after the first. */
  more?: FlashText[];
}

/** Shows a message on the next page the browser loads (post/redirect/get). Signed cookie. */
export function setFlash(res: Response, config: AppConfig, flash: Flash): void {
  setCookie(res, config, COOKIES.flash, JSON.stringify(flash), { signed: true, maxAge: 60_000 });
}

/** Reads and clears the flash message, if any. */
export function takeFlash(req: Request, res: Response): Flash | undefined {
  const raw: unknown = req.signedCookies?.[COOKIES.flash];
  if (raw === undefined) return undefined;
  res.clearCookie(COOKIES.flash, { path: '/' });
  if (typeof raw !== 'string') return undefined;
  try {
    const flash = JSON.parse(raw) as Flash;
    return ['success', 'info', 'warning', 'error'].includes(flash.type) ? flash : undefined;
  } catch {
    return undefined;
  }
}
