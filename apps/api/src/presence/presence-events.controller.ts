import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@moderato/core';
import { PRESENCE_EVENT_KINDS, PresenceEventsService, type PresenceEventKind } from '@moderato/meetings';

/**
 * Where a Jitsi server's event_sync Prosody component posts (`api_prefix` = <PUBLIC_URL>/jitsi/<serverId>):
 * authenticated by the server's bearer secret, not by a session. 204 when recorded; 400 malformed,
 * 401 wrong secret, 403 no secret set, 404 unknown server or event — never 5xx for what it sent
 * (the component retries 5xx). Registered after every other feature: the join route stays first.
 */
@ApiExcludeController()
@Public()
@Controller('jitsi/:serverId/events')
export class PresenceEventsController {
  constructor(private readonly events: PresenceEventsService) {}

  @Post(':scope/:name')
  @HttpCode(204)
  async receive(
    @Param('serverId') serverId: string,
    @Param('scope') scope: string,
    @Param('name') name: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const kind = `${scope}/${name}` as PresenceEventKind;
    if (!PRESENCE_EVENT_KINDS.includes(kind)) {
      res.status(404).json({ code: 'NOT_FOUND', message: 'Unknown event' });
      return;
    }
    const outcome = await this.events.receive(serverId, kind, authorization, body);
    if (outcome.status === 204) {
      res.status(204).end();
      return;
    }
    const messages = {
      unknown_server: 'Unknown Jitsi server',
      unknown_room: 'Not a room of a meeting or permanent room of this server',
      no_secret: 'This server has no events secret yet: an admin creates one on its page',
      bad_secret: 'The bearer secret is missing or wrong',
      malformed: 'The event is malformed',
    } as const;
    res.status(outcome.status).json({
      code: outcome.result.toUpperCase(),
      message: messages[outcome.result],
      ...(outcome.result === 'malformed' ? { errors: outcome.problems } : {}),
    });
  }
}
