import { randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Render, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig, type Locale } from '@moderato/config';
import { Clock, DomainError, InvalidInputError, pageNumberMessage, parsePageNumber } from '@moderato/core';
import type { MessageKey, Translate } from '@moderato/i18n';
import { DirectoryGroupUnreadable, RequireRoles } from '@moderato/identity';
import {
  AddInviteesDto,
  AttendanceService,
  CreateMeetingDto,
  DuplicateInvitees,
  InvalidSchedule,
  MeetingAlreadyCreated,
  MeetingVersionConflict,
  InvitationsService,
  JoinWindows,
  SchedulingService,
  UpdateMeetingDto,
  describeRecurrence,
} from '@moderato/meetings';
import { buildIcs } from '@moderato/mail';
import { PolicyService } from '@moderato/policy';
import { formErrorsOf, setFlash, validateForm } from '@moderato/web';
import { callerOf } from '../common/caller';
import { AddGroupInvitationDto } from './dto/directory.dto';
import { GroupInvitations, groupInvitationTexts } from './group-invitations';
import { MeetingPage } from './meeting-page';
import { featureChoicesOf, formFieldOf, formOfMeeting, meetingFormToDto, scheduleErrors, type MeetingForm, type ScheduleText } from './meeting-form';
import { timeZoneChoices } from './time-zone-choices';

/** Schedule problems in the page's language (the schedule.* keys). */
const scheduleText =
  (res: Response): ScheduleText =>
  (code, params) =>
    (res.locals.t as Translate)(`schedule.${code}` as MessageKey, params);

/**
 * The DTO's refusals beside the form's own: a field the form already explained (an unknown zone,
 * a date that is not one) keeps only the form's more specific message.
 */
function addDtoErrors(errors: Record<string, string[]>, dtoErrors: Record<string, string[]>) {
  const explained = new Set(Object.keys(errors));
  for (const [field, messages] of Object.entries(dtoErrors)) if (!explained.has(formFieldOf(field))) (errors[formFieldOf(field)] ??= []).push(...messages);
}

/** A series' rule in words in the page's language ("Every Monday and Thursday, 12 times"), never FREQ=…. */
const seriesTextOf = (req: Request, meeting: { rrule: string | null; timezone: string; startsAt: Date }) =>
  meeting.rrule ? describeRecurrence(meeting.rrule, (req.res?.locals.locale ?? 'en') as Locale, meeting.timezone, meeting.startsAt) : undefined;

/**
 * The flash after saving: a series asked to start on a date its rule does not match starts on the
 * first date that does (RFC 5545), and the organizer is told which.
 */
function flashKey(
  req: Request,
  requested: string | undefined,
  meeting: { rrule: string | null; startsAt: Date; timezone: string },
  key: MessageKey,
  moved: MessageKey,
) {
  const minute = (time: number) => Math.round(time / 60_000);
  if (!meeting.rrule || !requested || minute(new Date(requested).getTime()) === minute(meeting.startsAt.getTime())) return { key };
  const locale = (req.res?.locals.locale ?? 'en') as Locale;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: meeting.timezone }).format(meeting.startsAt);
  return { key: moved, params: { date } };
}

/** "My meetings", "New meeting" and the meeting page. The REST twin is MeetingsController. */
@ApiExcludeController()
@Controller('meetings')
export class MeetingsPageController {
  constructor(
    private readonly meetings: SchedulingService,
    private readonly invitations: InvitationsService,
    private readonly windows: JoinWindows,
    private readonly config: AppConfig,
    private readonly groups: GroupInvitations,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    private readonly page: MeetingPage,
    private readonly attendance: AttendanceService,
  ) {}

  @Get()
  @Render('meetings/list')
  async list(@Req() req: Request, @Query('when') when?: string, @Query('q') q?: string, @Query('page') page?: string) {
    const tab = when === 'past' ? 'past' : 'upcoming';
    const pageNumber = parsePageNumber(page);
    if (pageNumber === undefined) throw new InvalidInputError([{ field: 'page', messages: [pageNumberMessage()] }]);
    const result = await this.meetings.list(callerOf(req), { when: tab, q: q?.slice(0, 200) || undefined, page: pageNumber });
    // "Start" shows for meetings whose join window is open right now; a series saved before
    // schedules were checked is marked.
    const { openIds, invalidIds } = this.windows.marks(result.items);
    const seriesTexts = Object.fromEntries(result.items.filter((m) => m.rrule).map((m) => [m.id, seriesTextOf(req, m)]));
    // Who is in the room now, for the meetings whose window is open (where the server reports presence).
    const open = result.items.filter((m) => openIds.includes(m.id));
    const inRoom = await this.attendance.liveIn(open.map((m) => ({ serverId: m.serverId, roomName: m.roomName })));
    const live = Object.fromEntries(open.map((m) => [m.id, inRoom.get(`${m.serverId} ${m.roomName.toLowerCase()}`) ?? { count: 0, names: [] }]));
    return { tab, q: q ?? '', ...result, openIds, invalidIds, seriesTexts, live, pages: Math.max(1, Math.ceil(result.total / result.pageSize)) };
  }

  @Get('new')
  @RequireRoles('organizer')
  @Render('meetings/form')
  async newForm(@Req() req: Request) {
    const policy = await this.policy.current();
    const form = {
      timezone: this.organizerZone(req),
      joinBefore: String(policy.joinWindowBeforeMinutes),
      repeat: 'none',
      count: '10',
      formId: randomUUID(),
    };
    return { ...(await this.formPage(form, {}, req.res!)), servers: await this.meetings.usableServers(callerOf(req)) };
  }

  @Post()
  @RequireRoles('organizer')
  @UseInterceptors(FileInterceptor('csv', { limits: { fileSize: 1024 * 1024, files: 1 } }))
  async create(@Body() body: MeetingForm, @UploadedFile() file: { buffer: Buffer } | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { dto, errors } = meetingFormToDto(body, file?.buffer.toString('utf8'), scheduleText(res), res.locals.t as Translate);
    const validated = await validateForm(CreateMeetingDto, dto);
    if (!validated.ok) addDtoErrors(errors, validated.errors);
    const servers = await this.meetings.usableServers(callerOf(req));
    if (Object.keys(errors).length || !validated.ok) return res.status(400).render('meetings/form', { ...(await this.formPage(body, errors, res)), servers });
    try {
      // A form re-shown with errors keeps its id, so the corrected one is still the one meeting.
      const formId = typeof body.formId === 'string' && isUUID(body.formId) ? body.formId : undefined;
      const { meeting } = formId
        ? await this.meetings.createOnce(callerOf(req), validated.value, formId)
        : await this.meetings.create(callerOf(req), validated.value);
      setFlash(res, this.config, {
        type: 'success',
        ...flashKey(req, validated.value.startsAt, meeting, 'flash.meetingScheduled', 'flash.meetingScheduledFirstDate'),
      });
      res.redirect(303, `/meetings/${meeting.id}`);
    } catch (error) {
      if (error instanceof InvalidSchedule)
        return res.status(400).render('meetings/form', { ...(await this.formPage(body, scheduleErrors(error.problems, scheduleText(res)), res)), servers });
      if (error instanceof MeetingAlreadyCreated) {
        setFlash(res, this.config, { type: 'info', key: 'flash.meetingAlreadyCreated' });
        return res.redirect(303, `/meetings/${error.meetingId}`);
      }
      // A refusal without field details (a duplicate invitee) is shown at the participants field.
      const fieldErrors =
        formErrorsOf(error, formFieldOf) ??
        (error instanceof DomainError && (error.kind === 'invalid' || error instanceof DuplicateInvitees) ? { participants: [error.message] } : undefined);
      if (fieldErrors) return res.status(400).render('meetings/form', { ...(await this.formPage(body, fieldErrors, res)), servers });
      throw error;
    }
  }

  @Get(':id')
  @Render('meetings/show')
  show(@Param('id') id: string, @Req() req: Request, @Query('find') find?: string) {
    return this.page.data(callerOf(req), id, (req.res?.locals.locale ?? 'en') as Locale, find);
  }

  /** Adds one person found in the directory. */
  @Post(':id/invitations/person')
  @HttpCode(303)
  async invitePerson(@Param('id') id: string, @Body() body: { email?: string; name?: string }, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = await validateForm(AddInviteesDto, { invitees: [{ email: body.email, name: body.name, role: 'participant' }] });
    if (!form.ok) throw new InvalidInputError(Object.entries(form.errors).map(([field, messages]) => ({ field, messages })));
    const email = form.value.invitees[0].email;
    try {
      await this.invitations.addInvitees(callerOf(req), id, form.value);
      setFlash(res, this.config, { type: 'success', key: 'flash.personInvited', params: { email } });
    } catch (error) {
      if (!(error instanceof DuplicateInvitees)) throw error;
      setFlash(res, this.config, { type: 'info', key: 'flash.alreadyInvited', params: { email } });
    }
    res.redirect(303, `/meetings/${id}`);
  }

  /** Invites every member of a directory group (one transaction, one batch of mails). */
  @Post(':id/invitations/group')
  @HttpCode(303)
  async inviteGroup(@Param('id') id: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = await validateForm(AddGroupInvitationDto, body);
    if (!form.ok) throw new InvalidInputError(Object.entries(form.errors).map(([field, messages]) => ({ field, messages })));
    let result: Awaited<ReturnType<GroupInvitations['invite']>>;
    try {
      result = await this.groups.invite(callerOf(req), id, form.value);
    } catch (error) {
      if (!(error instanceof DirectoryGroupUnreadable)) throw error;
      setFlash(res, this.config, { type: 'warning', key: 'flash.groupUnreadable', params: { group: form.value.group } });
      res.redirect(303, `/meetings/${id}`);
      return;
    }
    const [first, ...more] = groupInvitationTexts(result);
    setFlash(res, this.config, { type: result.withoutEmail ? 'warning' : 'success', ...first, ...(more.length ? { more } : {}) });
    res.redirect(303, `/meetings/${id}`);
  }

  @Get(':id/edit')
  @Render('meetings/form')
  async editForm(@Param('id') id: string, @Req() req: Request) {
    const meeting = await this.meetings.get(callerOf(req), id);
    return { ...(await this.formPage(formOfMeeting(meeting), {}, req.res!)), meeting };
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: MeetingForm & { version?: string }, @Req() req: Request, @Res() res: Response): Promise<void> {
    const meeting = await this.meetings.get(callerOf(req), id);
    const again = async (status: number, errors: Record<string, string[]>) =>
      res
        .status(status)
        .render('meetings/form', { ...(await this.formPage(body, errors, res)), meeting: { ...meeting, version: Number(body.version) || meeting.version } });
    const { dto, errors } = meetingFormToDto({ ...body, participants: '', moderators: '' }, undefined, scheduleText(res));
    const { invitees: _invitees, ...changes } = dto;
    const validated = await validateForm(UpdateMeetingDto, { ...changes, version: body.version });
    if (!validated.ok) addDtoErrors(errors, validated.errors);
    if (Object.keys(errors).length || !validated.ok) return again(400, errors);
    try {
      const saved = await this.meetings.update(callerOf(req), id, { ...validated.value, recurrence: validated.value.recurrence ?? '' });
      setFlash(res, this.config, { type: 'success', ...flashKey(req, validated.value.startsAt, saved, 'flash.saved', 'flash.savedFirstDate') });
    } catch (error) {
      if (error instanceof MeetingVersionConflict) return again(409, { title: [error.message] });
      if (error instanceof InvalidSchedule) return again(400, scheduleErrors(error.problems, scheduleText(res)));
      const fieldErrors = formErrorsOf(error, formFieldOf);
      if (fieldErrors) return again(400, fieldErrors);
      throw error;
    }
    res.redirect(303, `/meetings/${id}`);
  }

  /** The organizer's own calendar entry (the Start link inside); invitees get theirs by mail. */
  @Get(':id/calendar.ics')
  async calendar(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const meeting = await this.meetings.get(callerOf(req), id);
    const user = req.auth!.user;
    const ics = buildIcs({
      method: 'REQUEST',
      meeting,
      organizer: { name: user.displayName, email: user.email },
      attendee: { name: user.displayName, email: user.email, role: 'moderator' },
      sequence: meeting.version - 1,
      link: `${this.config.publicUrl}/meetings/${meeting.id}/start`,
      productName: this.config.productName,
      stamp: this.clock.now(),
    });
    res.attachment(`${meeting.roomName}.ics`);
    res.type('text/calendar; charset=utf-8').send(ics);
  }

  @Post(':id/cancel')
  @HttpCode(303)
  async cancel(@Param('id') id: string, @Body('version') version: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.meetings.cancel(callerOf(req), id, version ? Number(version) : undefined);
    setFlash(res, this.config, { type: 'success', key: 'flash.meetingCancelled' });
    res.redirect(303, `/meetings/${id}`);
  }

  /** Cancels one date of a series; everyone invited gets an update (their calendars drop that date). */
  @Post(':id/occurrences/cancel')
  @HttpCode(303)
  async cancelOccurrence(
    @Param('id') id: string,
    @Body() body: { occurrence?: string; version?: string },
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const occurrence = typeof body.occurrence === 'string' && !Number.isNaN(Date.parse(body.occurrence)) ? body.occurrence : '';
    if (!occurrence) throw new InvalidInputError([{ field: 'occurrence', messages: ['occurrence must be the start of one date of the series'] }]);
    await this.meetings.changeOccurrence(callerOf(req), id, occurrence, { cancelled: true, version: body.version ? Number(body.version) : undefined });
    setFlash(res, this.config, { type: 'success', key: 'flash.occurrenceCancelled' });
    res.redirect(303, `/meetings/${id}`);
  }

  @Post(':id/invitations/:invitationId/:action')
  @HttpCode(303)
  async invitationAction(
    @Param('id') id: string,
    @Param('invitationId') invitationId: string,
    @Param('action') action: string,
    @Body() body: { role?: string; newLink?: string },
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const caller = callerOf(req);
    if (action === 'revoke') await this.invitations.revokeInvitation(caller, id, invitationId);
    else if (action === 'resend') await this.invitations.resendInvitation(caller, id, invitationId, body.newLink === 'true');
    else if (action === 'role' && (body.role === 'participant' || body.role === 'moderator'))
      await this.invitations.changeRole(caller, id, invitationId, body.role);
    else throw new InvalidInputError([{ field: 'action', messages: ['unknown action'] }]);
    setFlash(res, this.config, { type: 'success', key: 'flash.saved' });
    res.redirect(303, `/meetings/${id}`);
  }

  /** The zone a new meeting starts in: the organizer's own, else the organisation's default. */
  private organizerZone(req: Request): string {
    return req.auth!.user.timezone ?? this.organisationZone(req.res!);
  }

  /** The organisation's default zone (the policy's, read for this page by the web context; first in the picker). */
  private organisationZone(res: Response): string {
    return (res.locals.defaultTimeZone as string | undefined) || this.config.defaultTimezone;
  }

  private async formPage(form: MeetingForm, errors: Record<string, string[]>, res: Response) {
    const weekdays = Array.isArray(form.weekdays) ? form.weekdays : form.weekdays ? [form.weekdays] : [];
    return {
      form: { ...form, weekdays },
      errors,
      timeZones: timeZoneChoices(this.organisationZone(res), this.clock.now()),
      // The participant features the organizer may change, with the organisation's defaults.
      featureChoices: featureChoicesOf((await this.policy.current()).participantFeatures),
    };
  }
}
