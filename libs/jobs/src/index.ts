export { QUEUES, type QueueName, type HealthPingJob, type HealthPingResult } from './queues';
export { redisOptionsFromUrl, type RedisConnectionSettings } from './redis-connection';
export { JobsModule, WorkerHeartbeatsModule } from './jobs.module';
export { WORKER_STALE_AFTER_SECONDS, type WorkerIdentity, type WorkerStatus } from './worker-heartbeats';
export { WorkerHeartbeatsStore } from './worker-heartbeats.store';
