import { Controller, Get, HttpCode, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig, type Locale } from '@moderato/config';
import { Clock, NotFoundError, Public } from '@moderato/core';
import { isLocale, translator } from '@moderato/i18n';
import { CalendarFeedsService, type User } from '@moderato/identity';
import { buildFeed, type FeedEntry } from '@moderato/mail';
import { AgendaService } from '@moderato/meetings';
import { setFlash } from '@moderato/web';

/** How often subscribed calendars should read the feed again. */
const REFRESH_MINUTES = 60;
/** The feed carries the dates from this long ago on (older one-off meetings drop out of it). */
const HISTORY_MS = 180 * 86_400_000;

/**
 * The calendar subscription: a secret address per person (`GET /calendar/<secret>.ics`, no
 * session), made, replaced and stopped here. The address is derived from SECRETS_KEY (only a salt
 * and its SHA-256 are stored), so its owner sees it again whenever they look; the audit log says
 * that it changed.
 */
@ApiExcludeController()
@Controller()
export class CalendarFeedPageController {
  constructor(
    private readonly feeds: CalendarFeedsService,
    private readonly agenda: AgendaService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The subscription on a page of its own (the Settings page shows the same partial). */
  @Get('settings/calendar')
  @Render('settings/calendar')
  async page(@Req() req: Request) {
    return { feed: await this.feeds.feedOf(req.auth!.user.id) };
  }

  /** Makes a new address (the old one stops working) and shows it, this once. */
  @Post('settings/calendar-feed/rotate')
  @HttpCode(200)
  @Render('settings/calendar')
  async rotate(@Req() req: Request) {
    const newUrl = await this.feeds.rotate(req.auth!.user, req.ip ?? null);
    return { feed: await this.feeds.feedOf(req.auth!.user.id), newUrl };
  }

  /** The confirmation before stopping (works without JavaScript). */
  @Get('settings/calendar-feed/revoke')
  @Render('settings/calendar-feed-revoke')
  confirmRevoke() {
    return {};
  }

  @Post('settings/calendar-feed/revoke')
  @HttpCode(303)
  async revoke(@Req() req: Request, @Res() res: Response): Promise<void> {
    const stopped = await this.feeds.revoke(req.auth!.user, req.ip ?? null);
    setFlash(res, this.config, stopped ? { type: 'success', key: 'feed.revoked' } : { type: 'info', key: 'feed.notFound' });
    res.redirect(303, '/settings/calendar');
  }

  /** The feed: every meeting and invitation of the address' owner, as their invitations' .ics has them. */
  @Public()
  @Get('calendar/:file')
  async feed(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const secret = /^(.+)\.ics$/.exec(file)?.[1];
    const owner = secret ? await this.feeds.ownerOf(secret) : null;
    if (!owner) throw new NotFoundError('Calendar');
    // The calendar's name in the owner's language (a calendar server sends no Accept-Language of theirs).
    const text = await this.feedOf(owner, isLocale(owner.locale) ? owner.locale : ((res.locals.locale as Locale | undefined) ?? 'en'));
    res.setHeader('Cache-Control', 'private, no-cache');
    res.type('text/calendar; charset=utf-8').send(text);
  }

  private async feedOf(owner: User, locale: Locale): Promise<string> {
    const now = this.clock.now();
    const entries: FeedEntry[] = (await this.agenda.entries(owner, new Date(now.getTime() - HISTORY_MS))).map((entry) => {
      const self = { name: owner.displayName, email: owner.email };
      return {
        meeting: entry.meeting,
        organizer: entry.organizer ?? self,
        // As the invitation mail names the attendee: the invited address and name.
        attendee: entry.invitation
          ? { name: entry.invitation.name || owner.displayName, email: entry.invitation.email, role: entry.invitation.role }
          : { ...self, role: 'moderator' as const },
        sequence: entry.meeting.version - 1,
        link: `${this.config.publicUrl}${entry.link}`,
      };
    });
    const name = translator(locale)('feed.calendarName', { product: this.config.productName, name: owner.displayName });
    return buildFeed({ name, entries, stamp: now, productName: this.config.productName, refreshMinutes: REFRESH_MINUTES });
  }
}
