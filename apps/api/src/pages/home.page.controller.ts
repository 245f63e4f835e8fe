import { Controller, Get, Render, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@moderato/core';
import { JitsiInteropService } from '@moderato/jitsi';
import { RoomsService } from '@moderato/rooms';

@Public()
@ApiExcludeController()
@Controller()
export class HomePageController {
  constructor(
    private readonly interop: JitsiInteropService,
    private readonly rooms: RoomsService,
  ) {}

  @Get()
  @Render('home')
  async home(@Req() req: Request) {
    // Admins see which Jitsi servers still need "Test this server".
    const unverified = req.auth?.roles.includes('admin') ? await this.interop.unverified() : [];
    // Everyone signed in sees the permanent rooms they may open.
    const myRooms = req.auth ? await this.rooms.roomsFor(req.auth.user) : [];
    return { title: 'home.title', unverified, myRooms };
  }
}
