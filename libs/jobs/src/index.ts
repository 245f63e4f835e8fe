export { QUEUES, type QueueName, type HealthPingJob, type HealthPingResult } from './queues';
export { redisOptionsFromUrl } from './redis-connection';
export { JobsModule } from './jobs.module';
