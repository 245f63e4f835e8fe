/** Every queue name and job payload type lives here, so producers and processors agree. */
export const QUEUES = {
  /** Round-trip check that a worker is consuming: `ping` → `{ pong: true }`. */
  health: 'health',
  /** Render and send one mail (an outbox row). */
  mail: 'mail',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface HealthPingJob {
  sentAt: string;
}
export interface HealthPingResult {
  pong: true;
  worker: string;
  receivedAt: string;
}
