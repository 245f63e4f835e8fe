import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import type { MessageKey, Translate } from '@moderato/i18n';
import { InvitationsService } from '@moderato/meetings';
import { callerOf } from '../common/caller';

/**
 * The invitees' mail status as JSON, for the meeting page's script (public/mail-status.js), which
 * asks every few seconds while a mail is queued or retrying. Whoever may see the meeting page
 * (its organizer, an admin) may ask; anyone else gets 404, as for the page.
 */
@ApiExcludeController()
@Controller('meetings')
export class MailStatusPageController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get(':id/mail-status')
  async mailStatus(@Param('id') id: string, @Req() req: Request) {
    const t = req.res!.locals.t as Translate;
    const invitations = await this.invitations.listInvitations(callerOf(req), id);
    return {
      pending: invitations.some((i) => i.status === 'pending' || i.status === 'retrying'),
      invitations: invitations.map((i) => ({ id: i.id, status: i.status, label: t(`meeting.status.${i.status}` as MessageKey) })),
    };
  }
}
