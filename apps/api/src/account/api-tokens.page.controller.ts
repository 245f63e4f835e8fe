import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { ApiTokensService, CreateApiTokenDto, CurrentAuth, RequireRoles, type AuthContext } from '@moderato/identity';
import { formErrorsOf, setFlash, validateForm } from '@moderato/web';

const EMPTY_FORM = { name: '', scopes: ['meetings:read'], expiresInDays: '90' };

/** Account → API tokens: for a school's LMS or timetable system. */
@ApiExcludeController()
@RequireRoles('organizer', 'admin')
@Controller('account/tokens')
export class ApiTokensPageController {
  constructor(
    private readonly apiTokens: ApiTokensService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Render('account/tokens')
  async list(@CurrentAuth() auth: AuthContext) {
    return this.page(auth, EMPTY_FORM, {});
  }

  @Post()
  async create(@Body() body: Record<string, unknown>, @CurrentAuth() auth: AuthContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    const input = { ...body, scopes: body.scopes ?? [] };
    const form = await validateForm(CreateApiTokenDto, input);
    if (!form.ok) return res.status(400).render('account/tokens', await this.page(auth, { ...EMPTY_FORM, ...form.input }, form.errors));
    try {
      const { token } = await this.apiTokens.create({ user: auth.user, roles: auth.roles, ip: req.ip ?? null }, form.value);
      // Shown this once, on the page the form answers with (not in a redirect URL or cookie).
      res.status(201).render('account/tokens', { ...(await this.page(auth, EMPTY_FORM, {})), created: token });
    } catch (error) {
      const fieldErrors = formErrorsOf(error);
      if (fieldErrors) return res.status(400).render('account/tokens', await this.page(auth, { ...EMPTY_FORM, ...input }, fieldErrors));
      throw error;
    }
  }

  @Post(':id/revoke')
  async revoke(@Param('id') id: string, @CurrentAuth() auth: AuthContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.apiTokens.revoke(id, { id: auth.user.id, label: auth.user.email, ip: req.ip ?? null }, auth.user.id);
    setFlash(res, this.config, { type: 'success', key: 'flash.apiTokenRevoked' });
    res.redirect(303, '/account/tokens');
  }

  private async page(auth: AuthContext, form: Record<string, unknown>, errors: Record<string, string[]>) {
    return { tokens: await this.apiTokens.list(auth.user.id), grantable: this.apiTokens.grantableScopes(auth.roles), form, errors, created: undefined };
  }
}
