import { createHash } from 'node:crypto';
import { Injectable, Logger, type NestMiddleware, type OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { AppConfig } from '@moderato/config';
import { DomainError } from '@moderato/core';
import { redisOptionsFromUrl } from '@moderato/jobs';
import { COOKIES } from './cookies';
import { sessionIdOf } from './csrf';

export class TooManyRequests extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', 'rate_limited', 'Too many requests; try again later', { retryAfterSeconds });
  }
}

const WINDOW_SECONDS = 60;
/** Answers that are failed guesses: an unknown link code, a wrong password (or a paused username). */
const FAILED = new Set([401, 404, 429]);
/** Where a signed-in person's request learns that their address is throttled (see refuseUnlessOwnLink). */
const OWN_LINKS_ONLY = 'rateLimitOwnLinksOnly';

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

function retryAfterSeconds(): number {
  // Windows are shared by every replica through Redis: wall time, not the (test-settable) domain clock.
  // eslint-disable-next-line no-restricted-syntax
  return WINDOW_SECONDS - (Math.floor(Date.now() / 1000) % WINDOW_SECONDS);
}

function refuse(res: Response): never {
  const retryAfter = retryAfterSeconds();
  res.setHeader('Retry-After', String(retryAfter));
  throw new TooManyRequests(retryAfter);
}

/**
 * While the address of a signed-in person is throttled for failed guesses, only a link that
 * turns out to be their own passes (`own`); anything else is a 429 like for everyone else there.
 * Called by the join page after the decision, so the throttle costs no extra query.
 */
export function refuseUnlessOwnLink(res: Response, own: boolean): void {
  if (res.locals[OWN_LINKS_ONLY] === true && !own) refuse(res);
}

/**
 * Fixed-window limits in Redis (shared by every api replica) on /j/*, /auth/* and the calendar
 * feeds (/calendar/*: per feed, and failed guesses per address), built so that
 * a class behind one NAT address is never locked out while guessing stays expensive:
 *
 * - **Failed guesses per address** (unknown link codes, wrong passwords): at most the limit per
 *   minute. A signed-out request to /j/* or a password sign-in counts as a failure until its
 *   answer shows otherwise (then the count is given back), so parallel guesses count at once.
 *   Once the address is over the limit, signed-out links and password sign-ins from it get 429;
 *   signed-in people there still open their own links.
 * - **Per session** (signed in): every /j/* and /auth/* request. The sign-in round trip to the
 *   IdP is counted per browser (its CSRF cookie), falling back to the address without one.
 * - **Per personal link code**, from anywhere, so one code cannot be hammered.
 *
 * Runs after the session middleware (it needs to know who is signed in) and adds no database
 * query: one Redis round trip per request, one more only for a failure or a signed-out success.
 * If Redis is down, requests pass.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly namespace: string;

  constructor(private readonly config: AppConfig) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redis.url),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
    });
    this.redis.on('error', () => undefined);
    // Deployments (and test databases) sharing one Redis count separately.
    this.namespace = createHash('sha256').update(config.database.url).digest('hex').slice(0, 12);
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const limit = this.config.rateLimitPerMinute;
    if (!limit) return next();
    // originalUrl: inside a mounted middleware req.path is relative to the mount point.
    const path = req.originalUrl.split('?')[0];
    const area = path.startsWith('/j/') ? 'join' : path.startsWith('/calendar/') ? 'calendar' : 'auth';
    // eslint-disable-next-line no-restricted-syntax -- the Redis windows of every replica (see retryAfterSeconds)
    const window = Math.floor(Date.now() / 1000 / WINDOW_SECONDS);
    const key = (name: string) => `rl:${this.namespace}:${area}:${name}:${window}`;
    const session = sessionIdOf(req);
    const failures = key(`fail:ip:${req.ip}`);
    // Counted on every request; over the limit is a 429.
    const counted: string[] = [];
    // 'pending': counted as a failure now, given back on success. 'after': counted on failure.
    let failureMode: 'pending' | 'after' | 'none' = 'none';
    if (area === 'join') {
      const code = /^\/j\/([^/]+)/.exec(path)?.[1];
      if (code) counted.push(key(`code:${digest(code)}`));
      if (session) counted.push(key(`session:${session}`));
      failureMode = session ? 'after' : 'pending';
    } else if (area === 'calendar') {
      // Calendar servers (Google's, Microsoft's) read many people's feeds from few addresses:
      // each feed is limited on its own, and an address only for its failed guesses.
      const secret = /^\/calendar\/([^/]+)/.exec(path)?.[1];
      if (secret) counted.push(key(`feed:${digest(secret)}`));
      failureMode = 'pending';
    } else {
      const browser: unknown = req.cookies?.[COOKIES.csrf];
      const principal = session
        ? `session:${session}`
        : typeof browser === 'string' && /^[A-Za-z0-9_-]{43}$/.test(browser)
          ? `browser:${digest(browser)}`
          : `ip:${req.ip}`;
      counted.push(key(principal));
      if (req.method === 'POST' && path === '/auth/login') failureMode = 'pending';
    }
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const pipeline = this.redis.multi();
      for (const name of counted) pipeline.incr(name).expire(name, WINDOW_SECONDS * 2);
      if (failureMode === 'pending') pipeline.incr(failures).expire(failures, WINDOW_SECONDS * 2);
      if (failureMode === 'after') pipeline.get(failures);
      const results = (await pipeline.exec()) ?? [];
      const values = results.map(([, value]) => Number(value ?? 0));
      const counts = counted.map((_, index) => values[index * 2]);
      const failed = failureMode === 'none' ? 0 : values[counted.length * 2];
      if (counts.some((count) => count > limit)) refuse(res);
      if (failureMode === 'pending') {
        if (failed > limit) refuse(res);
        res.once('finish', () => {
          if (!FAILED.has(res.statusCode)) this.redis.decr(failures).catch(() => undefined);
        });
      }
      if (failureMode === 'after') {
        if (failed >= limit) res.locals[OWN_LINKS_ONLY] = true;
        res.once('finish', () => {
          if (res.statusCode === 404)
            this.redis
              .multi()
              .incr(failures)
              .expire(failures, WINDOW_SECONDS * 2)
              .exec()
              .catch(() => undefined);
        });
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
