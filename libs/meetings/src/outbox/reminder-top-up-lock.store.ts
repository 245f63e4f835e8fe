import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Only one worker replica tops up reminders at a time (PostgreSQL advisory lock). */
const TOP_UP_LOCK_KEY = 727_361_010;

/** The advisory lock of the reminder top-up (ReminderTopUpService in libs/mail), on a connection of its own. */
@Injectable()
export class ReminderTopUpLock {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` holding the lock, or nothing (false) when another process holds it. */
  async runIfFree(work: () => Promise<void>): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [TOP_UP_LOCK_KEY]);
      if (!locked) return false;
      try {
        await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [TOP_UP_LOCK_KEY]);
      }
      return true;
    } finally {
      await runner.release();
    }
  }
}
