import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ReminderTopUpLock, RemindersService } from '@moderato/meetings';
import { MAIL_OPTIONS, type ResolvedMailOptions } from './mail.options';

/**
 * Runs RemindersService.topUpReminders() at worker start and then every few hours, so series
 * longer than the reminder horizon (60 days) keep getting reminders. At start it also lists the
 * series whose stored schedule is invalid (saved before schedules were checked) in the log.
 * Only one worker replica tops up at a time (ReminderTopUpLock, a PostgreSQL advisory lock).
 */
@Injectable()
export class ReminderTopUpService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReminderTopUp');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private listedInvalid = false;

  constructor(
    private readonly lock: ReminderTopUpLock,
    private readonly meetings: RemindersService,
    @Inject(MAIL_OPTIONS) private readonly options: ResolvedMailOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.reminderTopUpIntervalMs) return;
    this.running = this.runOnce();
    this.timer = setInterval(() => {
      this.running = this.runOnce();
    }, this.options.reminderTopUpIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass, unless another worker holds the lock; never throws (logged instead). */
  async runOnce(): Promise<void> {
    try {
      await this.lock.runIfFree(async () => {
        if (!this.listedInvalid) {
          this.listedInvalid = true;
          const invalid = await this.meetings.invalidSeries();
          if (invalid.length) {
            this.logger.warn(
              { count: invalid.length, series: invalid.slice(0, 100).map(({ id, organizerId, rrule, reason }) => ({ id, organizerId, rrule, reason })) },
              'Series with an invalid stored schedule (saved before schedules were checked): no dates, reminders or Start until their organizers edit them',
            );
          }
        }
        const series = await this.meetings.topUpReminders();
        this.logger.log({ series }, 'Reminders topped up');
      });
    } catch (error) {
      this.logger.error({ err: error }, 'Reminder top-up failed');
    }
  }
}
