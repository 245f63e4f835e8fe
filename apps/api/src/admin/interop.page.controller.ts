import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { translator } from '@moderato/i18n';
import { RequireRoles } from '@moderato/identity';
import { JitsiInteropService, RecordInteropResultDto, whereOf, type InteropTest } from '@moderato/jitsi';
import { setFlash, validateForm, type PageLocals } from '@moderato/web';
import { actorOf } from '../common/actor';
import { qrSvg } from './qr-svg';

/** Administration → Jitsi servers → "Test this server": the four links, and the admin's result. */
@ApiExcludeController()
@RequireRoles('admin')
@Controller('admin/servers/:id/checks')
export class InteropPageController {
  constructor(
    private readonly interop: JitsiInteropService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  async start(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const test = await this.interop.start(id, actorOf(req));
    res.redirect(303, `/admin/servers/${test.server.id}/checks/${test.check.id}`);
  }

  @Get(':checkId')
  @Render('admin/server-check')
  async show(@Param('id') id: string, @Param('checkId') checkId: string, @Res({ passthrough: true }) res: Response) {
    return this.page(await this.interop.view(id, checkId), res, {}, {});
  }

  @Post(':checkId')
  async record(
    @Param('id') id: string,
    @Param('checkId') checkId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = await validateForm(RecordInteropResultDto, body);
    if (!form.ok) return res.status(400).render('admin/server-check', await this.page(await this.interop.view(id, checkId), res, form.input, form.errors));
    const check = await this.interop.record(id, checkId, form.value, actorOf(req));
    setFlash(
      res,
      this.config,
      check.status === 'verified' ? { type: 'success', key: 'interop.recorded.verified' } : { type: 'warning', key: 'interop.recorded.problems' },
    );
    res.redirect(303, `/admin/servers/${check.serverId}/checks/${check.id}`);
  }

  private async page(test: InteropTest, res: Response, form: Record<string, unknown>, errors: Record<string, string[]>) {
    // The page carries live tokens: never from a cache.
    res.setHeader('Cache-Control', 'no-store');
    const t = (res.locals as Partial<PageLocals>).t ?? translator(this.config.defaultLocale);
    const qr: Record<string, string> = {};
    for (const link of test.links) qr[link.kind] = await qrSvg(link.url, `${t('interop.qr')}: ${t(`interop.link.${link.kind}`)}`);
    return { ...test, qr, form, errors, whereOf };
  }
}
