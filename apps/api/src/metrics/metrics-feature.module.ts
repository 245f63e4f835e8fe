import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { WorkerHeartbeatsModule } from '@moderato/jobs';
import { MeetingsModule } from '@moderato/meetings';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';

/** GET /metrics (Prometheus) and the timing of every request. */
@Module({
  imports: [MeetingsModule, WorkerHeartbeatsModule],
  controllers: [MetricsController],
})
export class MetricsFeatureModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
