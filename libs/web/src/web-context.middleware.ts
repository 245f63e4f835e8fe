import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig, type Locale } from '@moderato/config';
import { sameWallClock } from '@moderato/core';
import { isLocale, negotiateLocale, translator, type Translate } from '@moderato/i18n';
import { PolicyService } from '@moderato/policy';
import { COOKIES } from './cookies';
import { displayIp } from './display-ip';
import { takeFlash } from './flash';
import { formatZoned, readerTimeZone, zoneLabel } from './reader-time';

/** What every page template can use (Express merges res.locals into the render data). */
export interface PageLocals {
  locale: Locale;
  t: ReturnType<typeof translator>;
  csrfToken: string;
  productName: string;
  /** Organisation branding from the policy ('' when not set). */
  logoUrl: string;
  supportContact: string;
  currentPath: string;
  flash?: ReturnType<typeof takeFlash>;
  /** Date and time in the reader's language and time zone, the zone named: "5 Dec 2026, 10:00 (Berlin time)". */
  formatDateTime: (date: Date) => string;
  /** A client address as people read it (no `::ffff:` before an IPv4 address). */
  formatIp: (ip: string | null | undefined) => string;
  /** The organisation's default zone (policy), for people whose own zone is not known. */
  defaultTimeZone: string;
  /** The zone this reader sees times in (their own, else the organisation's default). */
  readerTimeZone: () => string;
  /** "Berlin time" / "Ortszeit Berlin". */
  zoneLabel: (timeZone: string) => string;
  /** Whether the reader's clock reads differently from `timeZone`'s at that instant (then show both). */
  readerDiffers: (date: Date, timeZone: string) => boolean;
  /** Set by the identity layer once someone is signed in. */
  user?: { displayName: string; email: string; roles: string[]; timezone?: string | null };
}

/** The language a request is answered in: the person's choice, then the browser's, then the default. */
export function resolveLocale(req: Request, fallback: Locale): Locale {
  const chosen: unknown = req.cookies?.[COOKIES.locale];
  if (isLocale(chosen)) return chosen;
  return negotiateLocale(req.headers['accept-language']) ?? fallback;
}

@Injectable()
export class WebContextMiddleware implements NestMiddleware {
  constructor(
    private readonly config: AppConfig,
    private readonly policy: PolicyService,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    // Pages still render (in the environment's defaults) while the database is unreachable.
    const policy = await this.policy.current().catch(() => this.policy.defaults());
    const locale = resolveLocale(req, policy.defaultLocale);
    res.locals.locale = locale;
    res.locals.t = translator(locale);
    res.locals.productName = policy.productName;
    res.locals.logoUrl = policy.logoUrl;
    res.locals.supportContact = policy.supportContact;
    res.locals.currentPath = req.originalUrl;
    res.locals.flash = req.method === 'GET' ? takeFlash(req, res) : undefined;
    // Read the zone at render time: the session middleware runs after this one.
    // One cached format per locale and zone (a page listing 2,000 invitations formats 2,000 dates).
    res.locals.defaultTimeZone = policy.defaultTimezone || this.config.defaultTimezone;
    res.locals.readerTimeZone = () => readerTimeZone(res);
    res.locals.zoneLabel = (timeZone: string) => zoneLabel(res.locals.t as Translate, timeZone);
    res.locals.readerDiffers = (date: Date, timeZone: string) => !sameWallClock(date, timeZone, readerTimeZone(res));
    res.locals.formatDateTime = (date: Date) => formatZoned(date, locale, res.locals.t as Translate, readerTimeZone(res));
    res.locals.formatIp = displayIp;
    res.setHeader('Content-Language', locale);
    next();
  }
}
