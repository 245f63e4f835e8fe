import { Inject, Injectable, Logger } from '@nestjs/common';
import { AutoEndService } from '@moderato/meetings';
import { PeriodicJob } from './periodic-job';

export const AUTO_END_OPTIONS = Symbol('AUTO_END_OPTIONS');

export interface AutoEndOptions {
  /** How often the automatic end runs (default every minute; 0 = never, e.g. in tests that run it themselves). */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Ends the dates of meetings that ask for it at their scheduled end plus the policy's grace
 * (AutoEndService), every minute. Several worker replicas may run it: an end is recorded once,
 * and Prosody answers a second call for the same room with 404. A failed pass is logged.
 */
@Injectable()
export class AutoEndJob extends PeriodicJob {
  private readonly logger = new Logger('AutoEnd');

  constructor(
    private readonly autoEnd: AutoEndService,
    @Inject(AUTO_END_OPTIONS) private readonly options: AutoEndOptions,
  ) {
    super();
  }

  protected readonly runsAtStart = false;

  protected get intervalMs(): number {
    return this.options.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  async runOnce(): Promise<void> {
    try {
      const counts = await this.autoEnd.runOnce();
      if (counts.ended || counts.notRunning || counts.failed) this.logger.log(counts, 'Automatic end pass done');
    } catch (error) {
      this.logger.error({ err: error }, 'Automatic end pass failed');
    }
  }
}
