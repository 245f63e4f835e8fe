import { hostname } from 'node:os';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Clock } from '@moderato/core';
import { QUEUES, type HealthPingJob, type HealthPingResult } from '@moderato/jobs';

/** Answers `ping` jobs, so an operator (or `doctor`) can see that a worker is consuming. */
@Processor(QUEUES.health)
export class HealthProcessor extends WorkerHost {
  constructor(private readonly clock: Clock) {
    super();
  }

  async process(_job: Job<HealthPingJob>): Promise<HealthPingResult> {
    return { pong: true, worker: `${hostname()}:${process.pid}`, receivedAt: this.clock.now().toISOString() };
  }
}
