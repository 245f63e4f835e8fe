import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Locale } from '@moderato/config';
import { Public } from '@moderato/core';
import { JoinService, SchedulingService, type JoinDecision } from '@moderato/meetings';
import type { Translate } from '@moderato/i18n';
import { readerTimeZone, refuseUnlessOwnLink } from '@moderato/web';
import { callerOf } from '../common/caller';
import { GuestJoinDto } from './dto/guest-join.dto';
import { durationText, waitingTimes } from './waiting-time';

const STATUS: Record<JoinDecision['outcome'], number> = {
  not_found: 404,
  revoked: 410,
  cancelled: 410,
  ended: 410,
  ended_by: 410,
  invalid_schedule: 409,
  login_required: 303,
  choose: 200,
  wrong_account: 403,
  too_early: 200,
  join: 302,
};

/** Personal links (/j/:code) and the organizer's Start button: into the Jitsi room, or why not. */
@ApiExcludeController()
@Controller()
export class JoinPageController {
  constructor(
    private readonly join: JoinService,
    private readonly meetings: SchedulingService,
  ) {}

  @Public()
  @Get('j/:code')
  async viaLink(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const decision = await this.join.viaLink(code, req.auth?.user, req.ip ?? null);
    // While this address is throttled for failed guesses, a signed-in person still opens their own link.
    refuseUnlessOwnLink(res, decision.outcome === 'join' || decision.outcome === 'too_early');
    this.answer(decision, `/j/${encodeURIComponent(code)}`, res);
  }

  /** Guest mode (where the meeting and the organisation allow it): a display name, no account. */
  @Public()
  @Post('j/:code/guest')
  async asGuest(@Param('code') code: string, @Body() dto: GuestJoinDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    refuseUnlessOwnLink(res, false);
    this.answer(await this.join.asGuest(code, dto.displayName, req.ip ?? null), `/j/${encodeURIComponent(code)}`, res);
  }

  @Get('meetings/:id/start')
  async start(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const meeting = await this.meetings.get(callerOf(req), id);
    this.answer(await this.join.start(meeting, req.auth!.user, req.ip ?? null), `/meetings/${id}/start`, res);
  }

  private answer(decision: JoinDecision, path: string, res: Response): void {
    // Straight to Jitsi. Not res.redirect(): its content negotiation and HTML body cost a few
    // percent of the join storm, and nobody reads the body of this redirect.
    if (decision.outcome === 'join') {
      res.writeHead(302, { Location: decision.url, 'Content-Length': '0', 'Cache-Control': 'no-store' }).end();
      return;
    }
    if (decision.outcome === 'login_required') return res.redirect(303, `/auth/login?returnTo=${encodeURIComponent(path)}`);
    res.setHeader('Cache-Control', 'no-store');
    if (decision.outcome !== 'too_early') return res.status(STATUS[decision.outcome]).render('join/status', { decision, path });
    // The waiting page speaks of the reader's clock (their own zone, else the organisation's), naming the zone.
    const locale = res.locals.locale as Locale;
    const waiting = {
      ...waitingTimes(locale, res.locals.t as Translate, readerTimeZone(res), decision.occurrence?.startsAt ?? decision.opensAt, decision.opensAt),
      duration: durationText(locale, decision.secondsToOpen),
    };
    res.status(STATUS[decision.outcome]).render('join/status', { decision, path, secondsToOpen: decision.secondsToOpen, waiting });
  }
}
