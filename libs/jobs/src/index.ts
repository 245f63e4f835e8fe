export { QUEUES, type QueueName, type HealthPingJob, type HealthPingResult } from './queues';
export { redisOptionsFromUrl, type RedisConnectionSettings } from './redis-connection';
export { JobsModule } from './jobs.module';
