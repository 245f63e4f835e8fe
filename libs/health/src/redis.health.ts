import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { AppConfig } from '@moderato/config';
import { redisOptionsFromUrl } from '@moderato/jobs';

/** Readiness of Redis: a PING over a dedicated connection that never queues commands. */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(
    config: AppConfig,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.client = new Redis({
      ...redisOptionsFromUrl(config.redis.url),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: () => 2000,
    });
    // Errors surface through the check; without a listener ioredis prints them unhandled.
    this.client.on('error', () => undefined);
  }

  async isHealthy(key = 'redis', timeoutMs = 2000) {
    const check = this.indicator.check(key);
    try {
      if (this.client.status === 'wait') await this.client.connect();
      await withTimeout(this.client.ping(), timeoutMs);
      return check.up();
    } catch (error) {
      return check.down({ message: `Redis is not reachable: ${(error as Error).message}` });
    }
  }

  async onModuleDestroy() {
    this.client.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
