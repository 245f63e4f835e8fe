import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RemindersService } from '@moderato/meetings';
import { MAIL_OPTIONS, type ResolvedMailOptions } from './mail.options';

/** Only one worker replica tops up at a time (PostgreSQL advisory lock). */
const TOP_UP_LOCK_KEY = 727_361_010;

/**
 * Runs RemindersService.topUpReminders() at worker start and then every few hours, so series
 * longer than the reminder horizon (60 days) keep getting reminders. At start it also lists the
 * series whose stored schedule is invalid (saved before schedules were checked) in the log.
 */
@Injectable()
export class ReminderTopUpService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReminderTopUp');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private listedInvalid = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [TOP_UP_LOCK_KEY]);
      if (!locked) return;
      try {
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
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [TOP_UP_LOCK_KEY]);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Reminder top-up failed');
    } finally {
      await runner.release();
    }
  }
}
