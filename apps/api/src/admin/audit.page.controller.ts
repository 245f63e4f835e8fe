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
    const validated = await validateForm(AuditQueryDto, rawQuery);
    const query = validated.ok ? rangeChecked(validated.value, res) : validated;
    const filters: AuditQueryDto = query.ok ? query.value : {};
    const page = filters.page ?? 1;
    const { events, total } = await this.audit.search(auditFilterOf(filters), { page, pageSize: PAGE_SIZE });
    const shown = Object.fromEntries(['actor', 'action', 'from', 'to', 'subjectType', 'subjectId'].map((key) => [key, String(rawQuery[key] ?? '')]));
    res.status(query.ok ? 200 : 400).render('admin/audit', {
      events: query.ok ? events : [],
      linkable: query.ok ? [...(await this.audit.existingSubjects(events))] : [],
      filters: shown,
      errors: query.ok ? {} : 'localized' in query ? query.errors : localizeFormErrors(query.errors, res.locals.t),
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

/** A from-date after the to-date would find nothing: say so on the to-field instead of showing an empty log. */
function rangeChecked(value: AuditQueryDto, res: Response) {
  const { from, to } = auditFilterOf(value);
  if (!from || !to || from < to) return { ok: true as const, value };
  const day = new Intl.DateTimeFormat(res.locals.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(from);
  return { ok: false as const, localized: true, errors: { to: [res.locals.t('admin.audit.toBeforeFrom', { from: day })] } };
}
