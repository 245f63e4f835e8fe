import { createHash } from 'node:crypto';
import { Injectable, Logger, type NestMiddleware, type OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { AppConfig } from '@moderato/config';
import { DomainError } from '@moderato/core';
import { redisOptionsFromUrl } from '@moderato/jobs';

export class TooManyRequests extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', 'rate_limited', 'Too many requests; try again later', { retryAfterSeconds });
  }
}

const WINDOW_SECONDS = 60;

/**
 * Fixed-window limits in Redis (shared by every api replica): per client IP on /j/* and /auth/*,
 * and per personal link code, so codes cannot be brute-forced. If Redis is down, requests pass.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly namespace: string;

  constructor(private readonly config: AppConfig) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redis.url), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000 });
    this.redis.on('error', () => undefined);
    // Deployments (and test databases) sharing one Redis count separately.
    this.namespace = createHash('sha256').update(config.database.url).digest('hex').slice(0, 12);
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const limit = this.config.rateLimitPerMinute;
    if (!limit) return next();
    // originalUrl: inside a mounted middleware req.path is relative to the mount point.
    const path = req.originalUrl.split('?')[0];
    const keys = [`rl:${this.namespace}:${path.startsWith('/j/') ? 'join' : 'auth'}:ip:${req.ip}`];
    const code = /^\/j\/([^/]+)/.exec(path)?.[1];
    if (code) keys.push(`rl:${this.namespace}:join:code:${createHash('sha256').update(code).digest('hex').slice(0, 32)}`);
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const window = Math.floor(Date.now() / 1000 / WINDOW_SECONDS);
      const pipeline = this.redis.multi();
      for (const key of keys) pipeline.incr(`${key}:${window}`).expire(`${key}:${window}`, WINDOW_SECONDS * 2);
      const results = (await pipeline.exec()) ?? [];
      const counts = results.filter((_, index) => index % 2 === 0).map(([, value]) => Number(value));
      if (counts.some((count) => count > limit)) {
        const retryAfter = WINDOW_SECONDS - (Math.floor(Date.now() / 1000) % WINDOW_SECONDS);
        res.setHeader('Retry-After', String(retryAfter));
        throw new TooManyRequests(retryAfter);
      }
    } catch (error) {
      if (error instanceof TooManyRequests) throw error;
      this.logger.warn(`rate limit not applied: ${(error as Error).message}`);
    }
    next();
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
