import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig, type Locale } from '@moderato/config';
import { dateTimeFormat } from '@moderato/core';
import { isLocale, negotiateLocale, translator } from '@moderato/i18n';
import { PolicyService } from '@moderato/policy';
import { COOKIES } from './cookies';
import { displayIp } from './display-ip';
import { takeFlash } from './flash';

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
  /** Date and time in the viewer's language and time zone. */
  formatDateTime: (date: Date) => string;
  /** A client address as people read it (no `::ffff:` before an IPv4 address). */
  formatIp: (ip: string | null | undefined) => string;
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
    res.locals.formatDateTime = (date: Date) =>
      dateTimeFormat(locale, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: (res.locals.user as PageLocals['user'])?.timezone || this.config.defaultTimezone,
      }).format(date);
    res.locals.formatIp = displayIp;
    res.setHeader('Content-Language', locale);
    next();
  }
}
