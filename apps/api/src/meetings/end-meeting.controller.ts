import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExcludeController, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { DomainError, InvalidInputError } from '@moderato/core';
import type { Translate } from '@moderato/i18n';
import { TokenScope } from '@moderato/identity';
import { EndMeetingService, type MeetingEnded } from '@moderato/meetings';
import { setFlash, validateForm } from '@moderato/web';
import { callerOf } from '../common/caller';
import { EndMeetingDto } from './dto/end-meeting.dto';

/** The occurrence from the body (JSON or form) or the query; checked by EndMeetingDto. */
async function occurrenceOf(body: unknown, query: unknown): Promise<string | undefined> {
  const fromBody = (body as { occurrence?: unknown } | undefined)?.occurrence;
  const value = fromBody === undefined || fromBody === '' ? query : fromBody;
  const checked = await validateForm(EndMeetingDto, value === undefined || value === '' ? {} : { occurrence: value });
  if (!checked.ok) throw new InvalidInputError(Object.entries(checked.errors).map(([field, messages]) => ({ field, messages })));
  return checked.value.occurrence;
}

const view = (ended: MeetingEnded) => ({
  meetingId: ended.meeting.id,
  occurrence: ended.occurrence.occurrence.toISOString(),
  startsAt: ended.occurrence.startsAt.toISOString(),
  room: ended.room,
  endedAt: ended.endedAt.toISOString(),
});

@ApiTags('meetings')
@ApiCookieAuth()
@ApiBearerAuth()
@TokenScope('meetings')
@Controller('api/v1/meetings')
export class EndMeetingController {
  constructor(private readonly ending: EndMeetingService) {}

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "End the meeting for everyone (organizer, co-moderators, admins): Jitsi's muc_end_meeting closes the room and no new token is issued for that date. " +
      'room: "ended" (closed) or "not_running" (nobody was in it). 409 on an HS256 server or one without a Prosody HTTP base URL; 503 when Prosody refused or could not be reached.',
  })
  @ApiQuery({ name: 'occurrence', required: false, description: 'The date (its start, ISO 8601); default: the one running now' })
  async end(@Param('id') id: string, @Body() body: EndMeetingDto, @Query('occurrence') occurrence: string | undefined, @Req() req: Request) {
    return view(await this.ending.end(callerOf(req), id, await occurrenceOf(body, occurrence)));
  }
}

/** The End meeting button's confirmation page (GET) and its form (POST): works without JavaScript. */
@ApiExcludeController()
@Controller('meetings')
export class EndMeetingPageController {
  constructor(
    private readonly ending: EndMeetingService,
    private readonly config: AppConfig,
  ) {}

  @Get(':id/end')
  async confirm(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const meeting = await this.ending.endable(callerOf(req), id);
    res.render('meetings/end', { meeting, offer: await this.ending.offer(meeting), back: this.backTo(req, meeting) });
  }

  @Post(':id/end')
  async end(@Param('id') id: string, @Body() body: { occurrence?: unknown }, @Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = callerOf(req);
    const occurrence = await occurrenceOf(body, undefined);
    try {
      const ended = await this.ending.end(caller, id, occurrence);
      setFlash(res, this.config, { type: 'success', key: ended.room === 'ended' ? 'endMeeting.ended' : 'endMeeting.notRunning' });
      res.redirect(303, this.backTo(req, ended.meeting));
    } catch (error) {
      // Prosody's answers and the server's setup: the page says what happened, never a 500.
      const shown =
        error instanceof DomainError && (error.code.startsWith('PROSODY_') || error.code.startsWith('END_MEETING_N') || error.code === 'NO_RUNNING_OCCURRENCE');
      if (!shown) throw error;
      const meeting = await this.ending.endable(caller, id);
      const t = res.locals.t as Translate;
      const known = `endMeeting.error.${error.code}` as Parameters<Translate>[0];
      const detail = (error.details as { reason?: string } | undefined)?.reason ?? error.message;
      const message = error.code === 'NO_RUNNING_OCCURRENCE' ? t('endMeeting.noRunning') : t(known, { message: detail });
      res
        .status(error.kind === 'unavailable' ? 503 : 409)
        .render('meetings/end', { meeting, offer: await this.ending.offer(meeting), back: this.backTo(req, meeting), error: message });
    }
  }

  /** Organizers and admins go back to the meeting page; co-moderators (who cannot see it) to their invitations. */
  private backTo(req: Request, meeting: { id: string; organizerId: string | null }): string {
    const auth = req.auth!;
    return auth.roles.includes('admin') || meeting.organizerId === auth.user.id ? `/meetings/${meeting.id}` : '/invitations';
  }
}
