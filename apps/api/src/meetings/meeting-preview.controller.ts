import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Locale } from '@moderato/config';
import { Clock, isoWithOffset } from '@moderato/core';
import type { MessageKey, Translate } from '@moderato/i18n';
import { RequireRoles } from '@moderato/identity';
import { checkSchedule, describeRecurrence } from '@moderato/meetings';
import { PolicyService } from '@moderato/policy';
import { localizeFormErrors, validateForm } from '@moderato/web';
import { MeetingPreviewQueryDto } from './dto/meeting-preview.dto';
import { formFieldOf, recurrenceOfForm, timesOfForm, type ScheduleText } from './meeting-form';

/** What the preview answers: the first date and the rule in words, in the page's language. */
export interface MeetingPreview {
  /** The first date's start, with the meeting zone's offset. */
  startsAt: string;
  /** "Monday 7 December" / "Montag, 7. Dezember" (with the year when it is not this year's). */
  firstDate: string;
  /** "First date: Monday 7 December" (a series) or "Date: Monday 7 December". */
  text: string;
  /** "Every Monday and Thursday, 12 times"; null for a single meeting. */
  rule: string | null;
  /** Said when the chosen date does not match the rule (the series starts later). */
  moved: string | null;
}

const DATE_LOCALE: Record<Locale, string> = { en: 'en-GB', de: 'de-DE' };

/** "Monday 7 December" in the meeting's zone; the year too when it is not the current one. */
function dayOf(date: Date, locale: Locale, timeZone: string, now: Date): string {
  const year = (at: Date) => new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at);
  const options: Intl.DateTimeFormatOptions = { timeZone, weekday: 'long', day: 'numeric', month: 'long' };
  if (year(date) !== year(now)) options.year = 'numeric';
  return new Intl.DateTimeFormat(DATE_LOCALE[locale], options).format(date);
}

/**
 * The new-meeting form's live preview (public/meeting-form.js): the first date a series really
 * has, worked out by the same checkSchedule() that saving uses, so the form, the saved meeting,
 * its mails and its .ics agree. Registered before the meeting pages, whose /meetings/:id would
 * take the path.
 */
@ApiExcludeController()
@Controller('meetings')
export class MeetingPreviewController {
  constructor(
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  @Get('preview')
  @RequireRoles('organizer')
  async preview(@Req() req: Request, @Res() res: Response): Promise<void> {
    const t = res.locals.t as Translate;
    const locale = (res.locals.locale ?? 'en') as Locale;
    res.setHeader('Cache-Control', 'private, no-store');
    const refuse = (errors: Record<string, string[]>) =>
      void res.status(400).json({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'The input is invalid',
        details: Object.entries(localizeFormErrors(errors, t)).map(([field, messages]) => ({ field, messages })),
      });
    const query = await validateForm(MeetingPreviewQueryDto, req.query);
    if (!query.ok) return refuse(query.errors);
    const errors: Record<string, string[]> = {};
    const add = (field: string, message: string) => (errors[field] ??= []).push(message);
    const text: ScheduleText = (code, params) => t(`schedule.${code}` as MessageKey, params);
    const form = query.value;
    const { timezone, startsAt, endsAt } = timesOfForm(form, text, add, { needEnd: false });
    const recurrence = recurrenceOfForm(form, add);
    if (Object.keys(errors).length || !startsAt) return refuse(errors);
    const now = this.clock.now();
    // Without an end yet, a minute-long meeting: only the start matters for the dates.
    const end = endsAt ?? isoWithOffset(new Date(Date.parse(startsAt) + 60_000), timezone);
    const policy = await this.policy.current();
    const checked = checkSchedule(
      { startsAt, endsAt: end, timezone, recurrence },
      { now, isNew: form.editing !== 'true', maxMeetingMinutes: policy.maxMeetingMinutes },
    );
    if (!checked.ok) {
      for (const problem of checked.problems) add(formFieldOf(problem.field), text(problem.code, problem.params));
      return refuse(errors);
    }
    const { value } = checked;
    const firstDate = dayOf(value.startsAt, locale, value.timezone, now);
    const preview: MeetingPreview = {
      startsAt: isoWithOffset(value.startsAt, value.timezone),
      firstDate,
      text: t(value.rrule ? 'meetingForm.preview.firstDate' : 'meetingForm.preview.date', { date: firstDate }),
      rule: value.rrule ? describeRecurrence(value.rrule, locale, value.timezone, value.startsAt) : null,
      moved: value.requestedStartsAt ? t('meetingForm.preview.moved', { requested: dayOf(value.requestedStartsAt, locale, value.timezone, now) }) : null,
    };
    res.json(preview);
  }
}
