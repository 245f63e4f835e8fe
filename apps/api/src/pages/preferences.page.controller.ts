import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@moderato/core';
import type { Request, Response } from 'express';
import { UsersService } from '@moderato/identity';
import { AppConfig } from '@moderato/config';
import { COOKIES, safeReturnTo, setCookie, setFlash } from '@moderato/web';
import { ChangeLanguageDto } from './dto/language.dto';

@Public()
@ApiExcludeController()
@Controller('preferences')
export class PreferencesPageController {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  /** The language switch in the footer: remembers the choice for a year, then goes back. */
  @Post('language')
  @HttpCode(303)
  async changeLanguage(@Body() dto: ChangeLanguageDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    // Signed in: the account keeps it too (the mails to this person are in it).
    if (req.auth?.user) await this.users.saveLocale(req.auth.user.id, dto.locale);
    setCookie(res, this.config, COOKIES.locale, dto.locale, { maxAge: 365 * 24 * 3600 * 1000 });
    // The flash is rendered on the next page, in the language just chosen.
    setFlash(res, this.config, { type: 'success', key: 'flash.languageChanged' });
    res.redirect(303, safeReturnTo(dto.returnTo));
  }
}
