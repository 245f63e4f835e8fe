import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiTokensService, CreateApiTokenDto, CurrentAuth, RequireRoles, type AuthContext } from '@moderato/identity';
import { apiTokenView } from '../admin/admin-views';

/**
 * My personal access tokens. Only with a browser session: a token cannot mint or revoke tokens.
 */
@ApiTags('account')
@ApiCookieAuth()
@RequireRoles('organizer', 'admin')
@Controller('api/v1/account/api-tokens')
export class ApiTokensController {
  constructor(private readonly apiTokens: ApiTokensService) {}

  @Get()
  @ApiOperation({ summary: 'My API tokens (never the token itself)' })
  async list(@CurrentAuth() auth: AuthContext) {
    return (await this.apiTokens.list(auth.user.id)).map(apiTokenView);
  }

  @Post()
  @ApiOperation({ summary: 'Create an API token; the response carries it once, it is not stored in clear' })
  async create(@Body() dto: CreateApiTokenDto, @CurrentAuth() auth: AuthContext, @Req() req: Request) {
    const { token, record } = await this.apiTokens.create({ user: auth.user, roles: auth.roles, ip: req.ip ?? null }, dto);
    return { ...apiTokenView(record), token };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of my API tokens' })
  async revoke(@Param('id') id: string, @CurrentAuth() auth: AuthContext, @Req() req: Request): Promise<void> {
    await this.apiTokens.revoke(id, { id: auth.user.id, label: auth.user.email, ip: req.ip ?? null }, auth.user.id);
  }
}
