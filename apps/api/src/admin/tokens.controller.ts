import { Body, Controller, Get, HttpCode, Post, Render, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireRoles, TokenScope } from '@moderato/identity';
import { JitsiServersService } from '@moderato/jitsi';
import { validateForm } from '@moderato/web';
import { InspectTokenDto } from './dto/inspect-token.dto';
import { TokenInspector } from './token-inspector';

/** Administration → Token inspector: why did Jitsi say "authentication failed"? */
@ApiTags('tokens')
@ApiCookieAuth()
@RequireRoles('admin')
@Controller()
export class TokensController {
  constructor(
    private readonly inspector: TokenInspector,
    private readonly servers: JitsiServersService,
  ) {}

  @TokenScope('admin')
  @Post(['api/v1/admin/tokens/inspect', 'api/v1/tokens/inspect'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Decode a Jitsi token and list the token rules (docs/jitsi-tokens.md) it breaks' })
  async inspectApi(@Body() dto: InspectTokenDto) {
    const { server, inspection } = await this.inspector.inspect(dto);
    return { serverId: server?.id ?? null, ...inspection };
  }

  @Get('admin/tokens/inspect')
  @ApiExcludeEndpoint()
  @Render('admin/token-inspector')
  async page() {
    return { servers: await this.servers.list(), form: { token: '', serverId: '' }, errors: {} };
  }

  @Post('admin/tokens/inspect')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async inspectPage(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const servers = await this.servers.list();
    const form = await validateForm(InspectTokenDto, body);
    if (!form.ok) return res.status(400).render('admin/token-inspector', { servers, form: form.input, errors: form.errors });
    const { server, inspection } = await this.inspector.inspect(form.value);
    res.render('admin/token-inspector', { servers, form: { token: form.value.token, serverId: server?.id ?? '' }, errors: {}, inspection, server });
  }
}
