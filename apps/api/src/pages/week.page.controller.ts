import { Controller, Get, Query, Render, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '@moderato/config';
import { Clock, dateTimeFormat } from '@moderato/core';
import type { Translate } from '@moderato/i18n';
import { AgendaService } from '@moderato/meetings';
import { addDays, itemView, localDay, mondayOf, readerZone, startOfDay } from './agenda-view';
import { WeekQueryDto } from './dto/week.dto';

/** The week view: my meetings and invitations, Monday to Sunday in my time zone, week by week. */
@ApiExcludeController()
@Controller('week')
export class WeekPageController {
  constructor(
    private readonly agenda: AgendaService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('week')
  async week(@Req() req: Request, @Query() query: WeekQueryDto) {
    const now = this.clock.now();
    const zone = readerZone(req, this.config);
    const locale = String(req.res?.locals.locale ?? 'en');
    const t = req.res?.locals.t as Translate;
    const today = localDay(now, zone);
    const monday = mondayOf(query.start ?? today);
    const from = startOfDay(monday, zone);
    const to = new Date(startOfDay(addDays(monday, 7), zone).getTime() - 1);
    const items = (await this.agenda.between(req.auth!.user, from, to)).map((item) => itemView(item, { now, zone, locale, t }));
    // Days are calendar dates: formatted as such (UTC noon), whatever the reader's zone.
    const weekday = dateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
    const date = dateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' });
    const long = dateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const noon = (day: string) => new Date(`${day}T12:00:00Z`);
    const days = Array.from({ length: 7 }, (_, index) => {
      const day = addDays(monday, index);
      return { day, weekday: weekday.format(noon(day)), date: date.format(noon(day)), today: day === today, items: items.filter((item) => item.day === day) };
    });
    return {
      title: 'week.title',
      heading: t('week.title', { date: long.format(noon(monday)) }),
      zone,
      days,
      previous: addDays(monday, -7),
      next: addDays(monday, 7),
      current: mondayOf(today) === monday,
    };
  }
}
