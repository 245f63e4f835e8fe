import { Controller, Get, Render, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { InvitationsService } from '@moderato/meetings';

/** "My invitations": what I am invited to, with a Join button once the room is open. */
@ApiExcludeController()
@Controller('invitations')
export class InvitationsPageController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @Render('meetings/invitations')
  async list(@Req() req: Request) {
    return { items: await this.invitations.invitationsFor(req.auth!.user) };
  }
}
