import { Inject, Injectable, Logger } from '@nestjs/common';
import { RetentionService } from '@moderato/meetings';
import { PeriodicJob } from './periodic-job';

export const RETENTION_OPTIONS = Symbol('RETENTION_OPTIONS');

export interface RetentionOptions {
  /** How often the retention pass runs (default 6 hours; 0 = never, e.g. in tests that run it themselves). */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 6 * 3600_000;

/**
 * Runs the retention pass (RetentionService: ended sessions, old audit events, invitations of
 * long-past meetings) at worker start and then every few hours, like the reminder top-up. Only
 * one worker replica runs it at a time (an advisory lock); a failed pass is logged, the next one
 * tries again.
 */
@Injectable()
export class RetentionJob extends PeriodicJob {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly retention: RetentionService,
    @Inject(RETENTION_OPTIONS) private readonly options: RetentionOptions,
  ) {
    super();
  }

  protected readonly runsAtStart = true;

  protected get intervalMs(): number {
    return this.options.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  async runOnce(): Promise<void> {
    try {
      const counts = await this.retention.runOnce();
      if (counts) this.logger.log(counts, 'Retention pass done');
    } catch (error) {
      this.logger.error({ err: error }, 'Retention pass failed');
    }
  }
}
