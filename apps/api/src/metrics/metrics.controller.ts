import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '@moderato/config';
import { Public } from '@moderato/core';
import { WorkerHeartbeatsStore } from '@moderato/jobs';
import { Outbox } from '@moderato/meetings';
import { metrics } from '@moderato/metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics in Prometheus' text format, for the scraper only: with METRICS_TOKEN unset it does
 * not exist (404); otherwise it needs `Authorization: Bearer <METRICS_TOKEN>` (401 without). The
 * counters are this process's; the outbox and worker figures are read from the database now.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly config: AppConfig,
    private readonly outbox: Outbox,
    private readonly heartbeats: WorkerHeartbeatsStore,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    const token = this.config.metrics.token;
    if (!token) throw new NotFoundException();
    const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    // Compared as digests: equal length, constant time, whatever was sent.
    if (!given || !timingSafeEqual(digest(given), digest(token))) {
      // A plain 401 for the scraper (and a browser), not the sign-in redirect pages get.
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.type('text/plain').send('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    const [outbox, workers] = await Promise.all([this.outbox.mailCounts(), this.heartbeats.status()]);
    const text = await metrics.render(outbox, workers);
    res.setHeader('Cache-Control', 'no-store');
    res.type(metrics.contentType).send(text);
  }
}
