import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { CalendarFeed } from './calendar-feed.entity';

/** The table `calendar_feeds` (identity owns it). */
@Injectable()
export class CalendarFeedsStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The person's feed (a new secret replaces the old one: the old address stops working at once). */
  async replace(userId: string, salt: string, secretHash: string, createdAt: Date, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource)
      .getRepository(CalendarFeed)
      .upsert({ userId, salt, secretHash, createdAt }, { conflictPaths: ['userId'] });
  }

  /** Deletes the person's feed; whether there was one. */
  async delete(userId: string, tx: Tx): Promise<boolean> {
    const result = await managerOf(tx, this.dataSource).getRepository(CalendarFeed).delete({ userId });
    return (result.affected ?? 0) > 0;
  }

  of(userId: string): Promise<CalendarFeed | null> {
    return this.dataSource.getRepository(CalendarFeed).findOneBy({ userId });
  }

  /** The feed with this secret hash and its owner. */
  byHash(secretHash: string): Promise<CalendarFeed | null> {
    return this.dataSource.getRepository(CalendarFeed).findOne({ where: { secretHash }, relations: { user: true } });
  }
}
