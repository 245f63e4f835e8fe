import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@moderato/core';
import type { Response } from 'express';
import { AppConfig } from '@moderato/config';
import { COOKIES, safeReturnTo, setCookie, setFlash } from '@moderato/web';
import { ChangeLanguageDto } from './dto/language.dto';

@Public()
@ApiExcludeController()
@Controller('preferences')
export class PreferencesPageController {
  constructor(private readonly config: AppConfig) {}

  /** The language switch in the footer: remembers the choice for a year, then goes back. */
  @Post('language')
  @HttpCode(303)
  changeLanguage(@Body() dto: ChangeLanguageDto, @Res() res: Response): void {
    setCookie(res, this.config, COOKIES.locale, dto.locale, { maxAge: 365 * 24 * 3600 * 1000 });
    // The flash is rendered on the next page, in the language just chosen.
    setFlash(res, this.config, { type: 'success', key: 'flash.languageChanged' });
    res.redirect(303, safeReturnTo(dto.returnTo));
  }
}
