export { QUEUES, type QueueName, type HealthPingJob, type HealthPingResult } from './queues';
export { redisOptionsFromUrl, type RedisConnectionSettings } from './redis-connection';
export { JobsModule } from './jobs.module';
export { WORKER_STALE_AFTER_SECONDS, readWorkerStatus, type WorkerStatus } from './worker-heartbeats';
