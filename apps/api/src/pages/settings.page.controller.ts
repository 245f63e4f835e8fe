import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig, type Locale } from '@moderato/config';
import { CurrentAuth, UsersService, type AuthContext } from '@moderato/identity';
import type { Translate } from '@moderato/i18n';
import { COOKIES, TIME_ZONE_CHOICES, localizeFormErrors, readerTimeZone, setCookie, setFlash, validateForm } from '@moderato/web';
import { DetectedTimezoneDto, SettingsDto } from './dto/settings.dto';

/**
 * The Settings page: one section per concern, each its own form posting to its own route
 * (`general`: language and time zone). A section is a partial of views/settings/ and a key of `sections`.
 */
@ApiExcludeController()
@Controller('settings')
export class SettingsPageController {
  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  show(@CurrentAuth() auth: AuthContext, @Res() res: Response): void {
    const user = auth.user;
    const general = { locale: res.locals.locale as Locale, timezone: readerTimeZone(res) };
    this.render(res, 200, { general: { form: general, errors: {}, source: user.timezone ? (user.timezoneSource ?? 'chosen') : 'organisation' } });
  }

  /** Language and time zone: the language is also the browser's cookie (it applies before sign-in). */
  @Post('general')
  async saveGeneral(@CurrentAuth() auth: AuthContext, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const form = await validateForm(SettingsDto, body);
    if (!form.ok) {
      const source = auth.user.timezone ? (auth.user.timezoneSource ?? 'chosen') : 'organisation';
      // The view engine localizes only top-level `errors`: a section's are put in the page's language here.
      return this.render(res, 400, { general: { form: form.input, errors: localizeFormErrors(form.errors, res.locals.t as Translate), source } });
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

  private render(res: Response, status: number, sections: Record<string, unknown>): void {
    res.status(status).render('settings/index', { ...sections, timeZones: TIME_ZONE_CHOICES });
  }
}
