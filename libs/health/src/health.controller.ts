import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@moderato/core';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health';

@Public()
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** Liveness: the process is up and serving HTTP. */
  @Get('healthz')
  liveness() {
    return { status: 'ok' };
  }

  /** Readiness: 200 when PostgreSQL and Redis answer, else 503 naming what failed. */
  @Get('readyz')
  @HealthCheck()
  readiness() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 }), () => this.redis.isHealthy('redis')]);
  }
}
