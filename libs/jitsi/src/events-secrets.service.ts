import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AuditService, type Actor } from '@moderato/audit';
import { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { Transactions } from '@moderato/database';
import { JitsiServersStore } from './jitsi-servers.store';
import { JitsiServerNotFound } from './jitsi.errors';

/** What the presence endpoints learn of a request's bearer secret. */
export type EventsSecretCheck = 'ok' | 'unknown_server' | 'not_set' | 'bad_secret';

/** How long a process reuses a server's secret hash; a rotation through this process is seen at once. */
const CACHE_MS = 5_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Where a server's event_sync component posts (its `api_prefix`). */
export const eventsApiPrefix = (publicUrl: string, serverId: string) => `${publicUrl}/jitsi/${serverId}`;

/**
 * Per Jitsi server, the bearer secret its event_sync Prosody component sends with every event.
 * Generated (32 random bytes), shown once, stored only as its SHA-256; compared in constant time.
 */
@Injectable()
export class JitsiEventsSecrets {
  private readonly cache = new Map<string, { at: number; hash: string | null }>();

  constructor(
    private readonly store: JitsiServersStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A new secret replaces the old one at once; returned this once with the `api_prefix` (audited without it). */
  async rotate(serverId: string, actor: Actor): Promise<{ apiPrefix: string; secret: string; replaced: boolean }> {
    if (!isUUID(serverId)) throw new JitsiServerNotFound(serverId);
    const secret = randomBytes(32).toString('base64url');
    const replaced = await this.transactions.run(async (tx) => {
      const server = await this.store.find(serverId, tx);
      if (!server) throw new JitsiServerNotFound(serverId);
      await this.store.setEventsSecretHash(serverId, sha256(secret), this.clock.now(), tx);
      await this.audit.record(
        {
          action: 'jitsi.events_secret_set',
          actor,
          ip: actor.ip,
          subject: { type: 'jitsi_server', id: serverId },
          metadata: { replaced: server.eventsSecretHash !== null },
        },
        tx,
      );
      return server.eventsSecretHash !== null;
    });
    this.cache.delete(serverId);
    return { apiPrefix: eventsApiPrefix(this.config.publicUrl, serverId), secret, replaced };
  }

  /** Checks the `Authorization` header of an event against the server's secret. */
  async check(serverId: string, authorization: string | undefined): Promise<EventsSecretCheck> {
    if (!isUUID(serverId)) return 'unknown_server';
    const hash = await this.hashOf(serverId);
    if (hash === undefined) return 'unknown_server';
    if (hash === null) return 'not_set';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = Buffer.from(sha256(bearer?.[1] ?? ''), 'hex');
    return timingSafeEqual(presented, Buffer.from(hash, 'hex')) && bearer ? 'ok' : 'bad_secret';
  }

  /** undefined: no such server; null: no secret set. */
  private async hashOf(serverId: string): Promise<string | null | undefined> {
    const now = performance.now();
    const cached = this.cache.get(serverId);
    if (cached && now - cached.at < CACHE_MS) return cached.hash;
    const row = await this.store.eventsSecretHash(serverId);
    if (!row) return undefined;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(serverId, { at: now, hash: row.hash });
    return row.hash;
  }
}
