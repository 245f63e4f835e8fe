import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * A worker pass that runs every `intervalMs` (0 = never: tests call `runOnce()` themselves), one
 * pass at a time (a slow pass is never stacked), optionally once at start; shutdown waits for the
 * pass under way. `runOnce()` must not throw (subclasses log instead).
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  /** Milliseconds between passes; 0 = never. */
  protected abstract get intervalMs(): number;
  /** Whether a pass runs at worker start too. */
  protected abstract readonly runsAtStart: boolean;

  /** One pass; never throws (logged instead). */
  abstract runOnce(): Promise<void>;

  onApplicationBootstrap(): void {
    const interval = this.intervalMs;
    if (!interval) return;
    if (this.runsAtStart) this.trigger();
    this.timer = setInterval(() => this.trigger(), interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private trigger(): void {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
  }
}
