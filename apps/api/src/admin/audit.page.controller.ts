import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService } from '@moderato/audit';
import { Clock } from '@moderato/core';
import { RequireRoles } from '@moderato/identity';
import { localizeFormErrors, validateForm } from '@moderato/web';
import { AuditQueryDto, auditFilterOf } from './dto/admin.dto';
import { PAGE_SIZE, pageLink, pagination } from './admin-views';
import { streamAuditCsv } from './admin.controller';

/** Administration → Audit log: the page and its CSV download. The REST twin is in AdminController. */
@ApiExcludeController()
@RequireRoles('admin')
@Controller('admin')
export class AuditPageController {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  @Get('audit')
  async show(@Query() rawQuery: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const query = await validateForm(AuditQueryDto, rawQuery);
    const filters: AuditQueryDto = query.ok ? query.value : {};
    const page = filters.page ?? 1;
    const { events, total } = await this.audit.search(auditFilterOf(filters), { page, pageSize: PAGE_SIZE });
    const shown = Object.fromEntries(['actor', 'action', 'from', 'to', 'subjectType', 'subjectId'].map((key) => [key, String(rawQuery[key] ?? '')]));
    res.status(query.ok ? 200 : 400).render('admin/audit', {
      events: query.ok ? events : [],
      filters: shown,
      errors: query.ok ? {} : localizeFormErrors(query.errors, res.locals.t),
      actions: await this.audit.actions(),
      paging: pagination(page, query.ok ? total : 0),
      previousLink: pageLink('/admin/audit', shown, page - 1),
      nextLink: pageLink('/admin/audit', shown, page + 1),
      csvLink: pageLink('/admin/audit.csv', shown, 1).replace(/[?&]page=1$/, ''),
    });
  }

  @Get('audit.csv')
  async export(@Query() query: AuditQueryDto, @Res() res: Response): Promise<void> {
    await streamAuditCsv(this.audit, query, res, this.clock.now());
  }
}
