import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '@moderato/config';
import { redisOptionsFromUrl } from './redis-connection';
import { QUEUES, type QueueName } from './queues';
import { WorkerHeartbeatsStore } from './worker-heartbeats.store';

/** The workers' heartbeats (needs DatabaseModule): written by the worker, read by the doctor and the dashboard. */
@Module({
  providers: [WorkerHeartbeatsStore],
  exports: [WorkerHeartbeatsStore],
})
export class WorkerHeartbeatsModule {}

@Module({})
export class JobsModule {
  /** BullMQ on REDIS_URL, with the given queues registered (producers and processors), and the workers' heartbeats. */
  static forRoot(queues: QueueName[] = Object.values(QUEUES)): DynamicModule {
    return {
      module: JobsModule,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: { ...redisOptionsFromUrl(config.redis.url), maxRetriesPerRequest: null },
            defaultJobOptions: { removeOnComplete: { age: 24 * 3600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } },
          }),
        }),
        BullModule.registerQueue(...queues.map((name) => ({ name }))),
        WorkerHeartbeatsModule,
      ],
      exports: [BullModule, WorkerHeartbeatsModule],
    };
  }
}
