import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig, type Locale } from '@moderato/config';
import { Clock } from '@moderato/core';
import { CalendarFeedsService, CurrentAuth, UsersService, timezoneSourceOf, type AuthContext } from '@moderato/identity';
import type { Translate } from '@moderato/i18n';
import { COOKIES, localizeFormErrors, readerTimeZone, setCookie, setFlash, validateForm } from '@moderato/web';
import { timeZoneChoices } from '../meetings/time-zone-choices';
import { DetectedTimezoneDto, SettingsDto } from './dto/settings.dto';

/** A section of the page: its form's values and field messages. */
interface Section {
  form: Record<string, unknown>;
  errors: Record<string, string[]>;
}

interface Sections {
  general: Section & { source: ReturnType<typeof timezoneSourceOf> };
}

/**
 * The Settings page: one section per concern, each its own form posting to its own route
 * (`general`: language and time zone; the calendar subscription posts to calendar-feed.page.controller.ts). A section is a partial of views/settings/ and a key of `Sections`.
 */
@ApiExcludeController()
@Controller('settings')
export class SettingsPageController {
  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly feeds: CalendarFeedsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async show(@CurrentAuth() auth: AuthContext, @Res() res: Response): Promise<void> {
    await this.render(auth, res, 200);
  }

  /** Language and time zone: the language is also the browser's cookie (it applies before sign-in). */
  @Post('general')
  async saveGeneral(@CurrentAuth() auth: AuthContext, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const form = await validateForm(SettingsDto, body);
    if (!form.ok) {
      // The view engine localizes only top-level `errors`: a section's are put in the page's language here.
      return this.render(auth, res, 400, { general: { form: form.input, errors: localizeFormErrors(form.errors, res.locals.t as Translate) } });
    }
    await this.users.savePreferences(auth.user.id, { timezone: form.value.timezone, locale: form.value.locale });
    setCookie(res, this.config, COOKIES.locale, form.value.locale, { maxAge: 365 * 24 * 3600 * 1000 });
    setFlash(res, this.config, { type: 'success', key: 'settings.saved' });
    res.redirect(303, '/settings');
  }

  /**
   * The browser's zone, posted once by /static/zone.js while the person has none: kept only then
   * (the IdP's zone or the person's choice wins). 204 either way; 400 for a name that is no zone.
   */
  @Post('timezone')
  @HttpCode(204)
  async detected(@CurrentAuth() auth: AuthContext, @Body() dto: DetectedTimezoneDto): Promise<void> {
    await this.users.detectedTimezone(auth.user.id, dto.timezone);
  }

  /**
   * The whole page: every section's data, with `refused` (the section whose form was refused: its
   * input kept, its field messages) in place of that section's stored values.
   */
  private async render(auth: AuthContext, res: Response, status: number, refused: { [name in keyof Sections]?: Section } = {}): Promise<void> {
    const sections: Sections = {
      general: {
        form: { locale: res.locals.locale as Locale, timezone: readerTimeZone(res) },
        errors: {},
        ...refused.general,
        source: timezoneSourceOf(auth.user),
      },
    };
    const feed = await this.feeds.feedOf(auth.user.id);
    const timeZones = timeZoneChoices((res.locals.defaultTimeZone as string | undefined) || this.config.defaultTimezone, this.clock.now());
    res.status(status).render('settings/index', { ...sections, feed, timeZones });
  }
}
