import { Controller, Get, Render, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '@moderato/config';
import { Clock, Public, dateTimeFormat } from '@moderato/core';
import type { Translate } from '@moderato/i18n';
import { CalendarFeedsService } from '@moderato/identity';
import { JitsiInteropService } from '@moderato/jitsi';
import { AgendaService } from '@moderato/meetings';
import { RoomsService } from '@moderato/rooms';
import { RoomLive } from '../rooms/room-live';
import { addDays, itemView, localDay, readerZone, type AgendaItemView } from './agenda-view';

@Public()
@ApiExcludeController()
@Controller()
export class HomePageController {
  constructor(
    private readonly interop: JitsiInteropService,
    private readonly rooms: RoomsService,
    private readonly agenda: AgendaService,
    private readonly feeds: CalendarFeedsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly live: RoomLive,
  ) {}

  @Get()
  @Render('home')
  async home(@Req() req: Request) {
    // Admins see which Jitsi servers still need "Test this server".
    const unverified = req.auth?.roles.includes('admin') ? await this.interop.unverified() : [];
    if (!req.auth) return { title: 'home.title', unverified, myRooms: [] };
    const user = req.auth.user;
    // Everyone signed in sees the permanent rooms they may open.
    const myRooms = await this.rooms.roomsFor(user);
    return {
      title: 'home.title',
      unverified,
      myRooms,
      roomLive: await this.live.of(myRooms),
      days: await this.nextDays(req),
      feed: await this.feeds.feedOf(user.id),
    };
  }

  /** "Today and this week": the next 7 days' dates, grouped by the reader's day, with Start/Join or "opens in …". */
  private async nextDays(req: Request) {
    const now = this.clock.now();
    const zone = readerZone(req, this.config);
    const locale = String(req.res?.locals.locale ?? 'en');
    const t = req.res?.locals.t as Translate;
    const items = (await this.agenda.upcoming(req.auth!.user)).map((item) => itemView(item, { now, zone, locale, t }));
    const today = localDay(now, zone);
    const dayFormat = dateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
    const days: { day: string; label: string; items: AgendaItemView[] }[] = [];
    for (const item of items) {
      let group = days.find((d) => d.day === item.day);
      if (!group) {
        const label =
          item.day === today ? t('agenda.today') : item.day === addDays(today, 1) ? t('agenda.tomorrow') : dayFormat.format(new Date(`${item.day}T12:00:00Z`));
        group = { day: item.day, label, items: [] };
        days.push(group);
      }
      group.items.push(item);
    }
    return { zone, groups: days, weekStart: today };
  }
}
