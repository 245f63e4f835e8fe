import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@moderato/core';
import { JoinService, MeetingsService, type JoinDecision } from '@moderato/meetings';

const STATUS: Record<JoinDecision['outcome'], number> = {
  not_found: 404,
  revoked: 410,
  cancelled: 410,
  ended: 410,
  login_required: 303,
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
    private readonly meetings: MeetingsService,
  ) {}

  @Public()
  @Get('j/:code')
  async viaLink(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const decision = await this.join.viaLink(code, req.auth?.user, req.ip ?? null);
    this.answer(decision, `/j/${encodeURIComponent(code)}`, res);
  }

  @Get('meetings/:id/start')
  async start(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const meeting = await this.meetings.get({ user: req.auth!.user, roles: req.auth!.roles }, id);
    this.answer(await this.join.start(meeting, req.auth!.user, req.ip ?? null), `/meetings/${id}/start`, res);
  }

  private answer(decision: JoinDecision, path: string, res: Response): void {
    if (decision.outcome === 'join') return res.redirect(302, decision.url);
    if (decision.outcome === 'login_required') return res.redirect(303, `/auth/login?returnTo=${encodeURIComponent(path)}`);
    res.setHeader('Cache-Control', 'no-store');
    const secondsToOpen = decision.outcome === 'too_early' ? Math.max(1, Math.ceil((decision.opensAt.getTime() - Date.now()) / 1000)) : undefined;
    res.status(STATUS[decision.outcome]).render('join/status', { decision, path, secondsToOpen });
  }
}
