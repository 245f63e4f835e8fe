import { performance } from 'node:perf_hooks';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { metrics } from '@moderato/metrics';

/**
 * Times every request that reaches Nest, labelled with the route's pattern as Express matched it
 * (`/j/:code`): never the path itself, which would put link codes into the metrics and give
 * every link a series of its own. A request no route took (404, or answered by a middleware such
 * as the rate limit) is `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      metrics.httpRequest(req.method, typeof route === 'string' ? route : 'unmatched', res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  }
}
