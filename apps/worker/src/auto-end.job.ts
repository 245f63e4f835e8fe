import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AutoEndService } from '@moderato/meetings';

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
export class AutoEndJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AutoEnd');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly autoEnd: AutoEndService,
    @Inject(AUTO_END_OPTIONS) private readonly options: AutoEndOptions,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.options.intervalMs ?? DEFAULT_INTERVAL_MS;
    if (!interval) return;
    this.timer = setInterval(() => {
      // One pass at a time: a slow Prosody never stacks passes.
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    }, interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; never throws (logged instead). */
  async runOnce(): Promise<void> {
    try {
      const counts = await this.autoEnd.runOnce();
      if (counts.ended || counts.notRunning || counts.failed) this.logger.log(counts, 'Automatic end pass done');
    } catch (error) {
      this.logger.error({ err: error }, 'Automatic end pass failed');
    }
  }
}
