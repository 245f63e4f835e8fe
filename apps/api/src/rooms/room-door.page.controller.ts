import { Controller, Get, NotFoundException, Param, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { RoomsService } from '@moderato/rooms';
import { RoomLive, type RoomLiveView } from './room-live';

/**
 * `/r/<slug>`: a permanent room. Sign-in is forced (not @Public: the global guard sends a
 * signed-out browser to the login and back); on the list → 302 into Jitsi with a token;
 * not on it → 403 page; unknown → 404 page. `/rooms`: the rooms the signed-in person may open.
 */
@ApiExcludeController()
@Controller()
export class RoomDoorPageController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly config: AppConfig,
    private readonly live: RoomLive,
  ) {}

  @Get('r/:slug')
  async open(@Param('slug') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const decision = await this.rooms.join(slug, req.auth!.user, req.ip ?? null);
    // Per person and per moment: never cached (the redirect carries a token).
    res.setHeader('Cache-Control', 'no-store');
    if (decision.outcome === 'join') return res.redirect(302, decision.url);
    const path = `/r/${encodeURIComponent(slug)}`;
    if (decision.outcome === 'not_found') return res.status(404).render('rooms/status', { outcome: 'not_found', path });
    const closed = decision.reason === 'room_disabled' || decision.reason === 'server_disabled';
    res.status(403).render('rooms/status', {
      outcome: closed ? 'closed' : 'refused',
      unverified: decision.reason === 'unverified',
      room: decision.room,
      signedInEmail: decision.signedInEmail,
      path,
    });
  }

  @Get('rooms')
  @Render('rooms/mine')
  async mine(@Req() req: Request) {
    const myRooms = await this.rooms.roomsFor(req.auth!.user);
    return { myRooms, publicUrl: this.config.publicUrl, roomLive: await this.live.of(myRooms) };
  }

  /** Who is in a room now (JSON, polled by /static/live.js): for its moderators, where its server reports presence. */
  @Get('rooms/:slug/live')
  async roomLive(@Param('slug') slug: string, @Req() req: Request): Promise<RoomLiveView> {
    const live = (await this.live.of(await this.rooms.roomsFor(req.auth!.user)))[slug];
    if (!live) throw new NotFoundException();
    return live;
  }
}
