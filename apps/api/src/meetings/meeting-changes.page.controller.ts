import type { Locale } from '@moderato/config';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { InvalidInputError } from '@moderato/core';
import type { Translate } from '@moderato/i18n';
import { AddInviteesDto, InvitationNotFound, InvitationsService, SchedulingService, parseInviteeList } from '@moderato/meetings';
import { setFlash, validateForm } from '@moderato/web';
import { callerOf } from '../common/caller';
import { MeetingPage } from './meeting-page';

/**
 * The meeting page's changes that reach other people: adding people after scheduling, and the
 * confirmation pages of Cancel meeting, Cancel this date and Revoke (a GET page with a POST form,
 * so a stray click never acts and it works without JavaScript; the POST routes are the
 * MeetingsPageController's).
 */
@ApiExcludeController()
@Controller('meetings')
export class MeetingChangesPageController {
  constructor(
    private readonly meetings: SchedulingService,
    private readonly invitations: InvitationsService,
    private readonly page: MeetingPage,
    private readonly config: AppConfig,
  ) {}

  /** Pasted addresses ("a@x, Name <b@x>", or CSV lines "name,email"): each new person is invited by mail. */
  @Post(':id/invitations/add')
  @HttpCode(303)
  async addPeople(@Param('id') id: string, @Body() body: { people?: unknown; role?: unknown }, @Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = callerOf(req);
    const text = typeof body.people === 'string' ? body.people.slice(0, 200_000) : '';
    const role = body.role === 'moderator' ? 'moderator' : 'participant';
    const parsed = parseInviteeList(text, role);
    const errors = parsed.problems.map((problem) => `${problem.line}: ${problem.text} — ${problem.message}`);
    if (!parsed.invitees.length && !errors.length) errors.push((res.locals.t as Translate)('meeting.add.empty'));
    if (!errors.length) {
      const form = await validateForm(AddInviteesDto, { invitees: parsed.invitees });
      if (!form.ok) errors.push(...Object.values(form.errors).flat());
      else {
        const { invitations, skipped } = await this.invitations.addListedInvitees(caller, id, form.value.invitees);
        setFlash(res, this.config, {
          type: invitations.length ? 'success' : 'info',
          key: skipped.length ? 'flash.inviteesAddedSkipped' : 'flash.inviteesAdded',
          params: { count: invitations.length, emails: skipped.slice(0, 20).join(', ') + (skipped.length > 20 ? ', …' : '') },
        });
        res.redirect(303, `/meetings/${id}`);
        return;
      }
    }
    res.status(400).render('meetings/show', { ...(await this.page.data(caller, id, (res.locals.locale ?? 'en') as Locale)), add: { text, role, errors } });
  }

  @Get(':id/cancel')
  @Render('meetings/confirm')
  async confirmCancel(@Param('id') id: string, @Req() req: Request) {
    const meeting = await this.meetings.get(callerOf(req), id);
    return { meeting, what: 'confirmCancel', action: `/meetings/${id}/cancel`, fields: { version: meeting.version }, params: { title: meeting.title } };
  }

  @Get(':id/occurrences/cancel')
  @Render('meetings/confirm')
  async confirmCancelDate(@Param('id') id: string, @Query('occurrence') occurrence: unknown, @Req() req: Request) {
    const meeting = await this.meetings.get(callerOf(req), id);
    const date = typeof occurrence === 'string' ? new Date(occurrence) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime()))
      throw new InvalidInputError([{ field: 'occurrence', messages: ['occurrence must be the start of one date of the series'] }]);
    return {
      meeting,
      what: 'confirmCancelDate',
      action: `/meetings/${id}/occurrences/cancel`,
      fields: { occurrence: date.toISOString(), version: meeting.version },
      params: { title: meeting.title },
      date,
    };
  }

  @Get(':id/invitations/:invitationId/revoke')
  @Render('meetings/confirm')
  async confirmRevoke(@Param('id') id: string, @Param('invitationId') invitationId: string, @Req() req: Request) {
    const caller = callerOf(req);
    const meeting = await this.meetings.get(caller, id);
    const invitation = (await this.invitations.listInvitations(caller, id)).find((i) => i.id === invitationId && i.status !== 'revoked');
    if (!invitation) throw new InvitationNotFound(invitationId);
    return {
      meeting,
      what: 'confirmRevoke',
      action: `/meetings/${id}/invitations/${invitation.id}/revoke`,
      fields: {},
      params: { title: meeting.title, email: invitation.email },
    };
  }

  /** An invitee's personal link to pass on by hand (the mail did not arrive). */
  @Get(':id/invitations/:invitationId/link')
  @Render('meetings/link')
  async personalLink(@Param('id') id: string, @Param('invitationId') invitationId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const { invitation, link } = await this.invitations.personalLink(callerOf(req), id, invitationId);
    return { meetingId: id, invitation, link };
  }
}
