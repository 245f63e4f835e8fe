import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { TokenScope } from '@moderato/identity';
import { AttendanceService } from '@moderato/meetings';
import { callerOf } from '../common/caller';

/** The file name of a date's CSV: the meeting id and the date. */
export const attendanceFileName = (meetingId: string, occurrence: string) => `attendance-${meetingId.slice(0, 8)}-${occurrence.slice(0, 10)}.csv`;

/** Attendance per date (organizer, co-moderators, admins); every answer is an audited export. */
@ApiTags('meetings')
@ApiCookieAuth()
@ApiBearerAuth()
@TokenScope('meetings')
@Controller('api/v1/meetings')
export class AttendanceController {
  constructor(private readonly attendance: AttendanceService) {}

  @Get(':id/attendance')
  @ApiOperation({ summary: 'Who was in the room on one date (from Jitsi presence events), who was invited and never came (audited)' })
  @ApiQuery({ name: 'occurrence', description: 'The ISO start of the date (as GET /meetings/:id/occurrences names it)' })
  async report(@Param('id') id: string, @Query('occurrence') occurrence: string | undefined, @Req() req: Request) {
    const report = await this.attendance.report(callerOf(req), id, occurrence, 'json');
    return { occurrence: report.occurrence, startsAt: report.startsAt, endsAt: report.endsAt, attendees: report.attendees, absent: report.absent };
  }

  @Get(':id/live')
  @ApiOperation({ summary: 'Who is in the room now (count and names), from Jitsi presence events; polled by the meeting page' })
  async live(@Param('id') id: string, @Req() req: Request) {
    const meeting = await this.attendance.meetingFor(callerOf(req), id);
    const live = (await this.attendance.liveIn([{ serverId: meeting.serverId, roomName: meeting.roomName }])).get(
      `${meeting.serverId} ${meeting.roomName.toLowerCase()}`,
    );
    return { reports: await this.attendance.serverReports(meeting.serverId), count: live?.count ?? 0, names: live?.names ?? [] };
  }

  @Get(':id/attendance.csv')
  @ApiOperation({ summary: 'The same as CSV (audited)' })
  async csv(@Param('id') id: string, @Query('occurrence') occurrence: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const report = await this.attendance.report(callerOf(req), id, occurrence, 'csv');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${attendanceFileName(id, report.occurrence)}"`);
    res.send(this.attendance.csv(report));
  }
}
