import { Controller, Get, Param, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AttendanceService } from '@moderato/meetings';
import { callerOf } from '../common/caller';
import { attendanceFileName } from './attendance.controller';

/** The attendance of one date of a meeting (organizer, co-moderators, admins) and its CSV. */
@ApiExcludeController()
@Controller('meetings')
export class AttendancePageController {
  constructor(private readonly attendance: AttendanceService) {}

  @Get(':id/attendance')
  @Render('meetings/attendance')
  async show(@Param('id') id: string, @Query('occurrence') occurrence: string | undefined, @Req() req: Request) {
    const caller = callerOf(req);
    const meeting = await this.attendance.meetingFor(caller, id);
    const dates = this.attendance.pastDates(meeting, 50);
    const chosen = occurrence ?? dates[0]?.occurrence.toISOString();
    const report = chosen ? await this.attendance.report(caller, id, chosen, null) : null;
    return { meeting, dates, report, reports: await this.attendance.serverReports(meeting.serverId) };
  }

  @Get(':id/attendance.csv')
  async csv(@Param('id') id: string, @Query('occurrence') occurrence: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const report = await this.attendance.report(callerOf(req), id, occurrence, 'csv');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${attendanceFileName(id, report.occurrence)}"`);
    res.send(this.attendance.csv(report));
  }
}
