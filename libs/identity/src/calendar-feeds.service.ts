import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '@moderato/audit';
import { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { Transactions } from '@moderato/database';
import { CalendarFeedsStore } from './calendar-feeds.store';
import type { User } from './user.entity';

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A feed secret: an HMAC-SHA256 (256 bits), base64url (43 characters). */
export const CALENDAR_FEED_SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * Calendar subscriptions: one secret address per person, made or replaced (rotate) and revoked by
 * its owner. The secret is derived from SECRETS_KEY, the person's id and a random salt (as personal
 * link codes are): the database keeps the salt and the secret's SHA-256, never the secret, yet the
 * owner sees their address again whenever they look; the audit log says that
 * it changed, never what it is.
 */
@Injectable()
export class CalendarFeedsService {
  constructor(
    private readonly store: CalendarFeedsStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private secretOf(userId: string, salt: string): string {
    return createHmac('sha256', this.config.secrets.secretsKey).update(`calendar-feed:${userId}:${salt}`).digest('base64url');
  }

  private urlOf(secret: string): string {
    return `${this.config.publicUrl}/calendar/${secret}.ics`;
  }

  /** Whether the person has a feed, and since when. */
  async feedOf(userId: string): Promise<{ createdAt: Date; url: string } | null> {
    const feed = await this.store.of(userId);
    return feed ? { createdAt: feed.createdAt, url: this.urlOf(this.secretOf(userId, feed.salt)) } : null;
  }

  /** A new secret for the person (its address is returned); the old address (if any) stops working. */
  async rotate(user: User, ip: string | null): Promise<string> {
    const salt = randomBytes(16).toString('base64url');
    const secret = this.secretOf(user.id, salt);
    await this.transactions.run(async (tx) => {
      const had = !!(await this.store.of(user.id));
      await this.store.replace(user.id, salt, hashSecret(secret), this.clock.now(), tx);
      await this.audit.record(
        {
          action: had ? 'calendar_feed.rotated' : 'calendar_feed.created',
          actor: { id: user.id, label: user.email },
          ip,
          subject: { type: 'user', id: user.id },
        },
        tx,
      );
    });
    return this.urlOf(secret);
  }

  /** Ends the person's feed; whether there was one. */
  async revoke(user: User, ip: string | null): Promise<boolean> {
    return this.transactions.run(async (tx) => {
      const deleted = await this.store.delete(user.id, tx);
      if (deleted)
        await this.audit.record({ action: 'calendar_feed.revoked', actor: { id: user.id, label: user.email }, ip, subject: { type: 'user', id: user.id } }, tx);
      return deleted;
    });
  }

  /** The owner of a feed secret, or null (unknown, revoked, or the person is disabled). */
  async ownerOf(secret: string): Promise<User | null> {
    if (!CALENDAR_FEED_SECRET.test(secret)) return null;
    const feed = await this.store.byHash(hashSecret(secret));
    if (!feed?.user || feed.user.disabled) return null;
    return feed.user;
  }
}
