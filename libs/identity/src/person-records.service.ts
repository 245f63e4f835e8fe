import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AppConfig } from '@moderato/config';
import type { Tx } from '@moderato/database';
import { ApiTokensStore } from './api-tokens.store';
import { CalendarFeedsStore } from './calendar-feeds.store';
import { LastAdmin, SelfDeletion, UserNotFound } from './identity.errors';
import { effectiveRoles } from './role-mapping';
import { SessionsStore } from './sessions.store';
import type { User } from './user.entity';
import { UsersStore } from './users.store';

/** The account's own fields in an export (never a hash or a token). */
const ACCOUNT_FIELDS = [
  'id',
  'issuer',
  'subject',
  'email',
  'emailVerified',
  'displayName',
  'avatarUrl',
  'idpRoles',
  'roleOverrides',
  'timezone',
  'timezoneSource',
  'locale',
  'lastLoginAt',
  'disabled',
  'createdAt',
  'updatedAt',
] as const;

/** What identity holds about a person, as the export shows it: never a token hash or an ID token. */
export interface IdentityExport {
  account: Pick<User, (typeof ACCOUNT_FIELDS)[number]>;
  roles: string[];
  sessions: { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; revokedAt: Date | null; ip: string | null; userAgent: string | null }[];
  apiTokens: {
    id: string;
    name: string;
    prefix: string;
    scopes: string[];
    createdAt: Date;
    expiresAt: Date;
    lastUsedAt: Date | null;
    lastUsedIp: string | null;
    revokedAt: Date | null;
  }[];
  /** The calendar subscription, if any: when its address was made (never the secret or its hash). */
  calendarFeed: { createdAt: Date } | null;
}

/**
 * A person's records in identity's tables, for deleting a person and for their data export
 * (issue 18). The deletion itself spans libs (meetings, audit) and runs in the caller's `Tx`.
 */
@Injectable()
export class PersonRecordsService {
  constructor(
    private readonly users: UsersStore,
    private readonly sessions: SessionsStore,
    private readonly tokens: ApiTokensStore,
    private readonly config: AppConfig,
    private readonly feeds: CalendarFeedsStore,
  ) {}

  /**
   * The account to delete, locked in `tx`. Refuses one's own account (ask another admin) and the
   * last enabled administrator (an organisation must not lock itself out).
   */
  async lockForDeletion(userId: string, actor: { id: string | null }, tx: Tx): Promise<User> {
    const user = isUUID(userId) ? await this.users.lockById(userId, tx) : null;
    if (!user) throw new UserNotFound();
    if (actor.id === user.id) throw new SelfDeletion();
    if (effectiveRoles(user.idpRoles, user.roleOverrides ?? {}, this.config.roles).includes('admin') && !user.disabled) {
      const names = this.config.roles.admin.map((name) => name.trim().toLowerCase().replace(/^\/+/, ''));
      if ((await this.users.countOtherAdmins(user.id, { admin: names, organizer: [] }, tx)) === 0) throw new LastAdmin();
    }
    return user;
  }

  /** The accounts with this email (any case); several when more than one identity provider sent it. */
  findByEmail(email: string): Promise<User[]> {
    return this.users.findByEmail(email.trim().toLowerCase());
  }

  /** Deletes the account with its sessions (and ID tokens), API tokens and waiting role grant, in `tx`. */
  async deleteAccount(user: User, tx: Tx): Promise<{ sessions: number; apiTokens: number; roleGrants: number }> {
    const sessions = await this.sessions.deleteAllOf(user.id, tx);
    const apiTokens = await this.tokens.deleteAllOf(user.id, tx);
    const roleGrants = await this.users.deleteGrant(user.email.toLowerCase(), tx);
    await this.users.deleteById(user.id, tx);
    return { sessions, apiTokens, roleGrants };
  }

  /** Deletes the sessions that ended more than `days` days before `now`, with their ID tokens (retention). */
  deleteEndedSessions(now: Date, days: number, idleMinutes: number, tx?: Tx): Promise<number> {
    return this.sessions.deleteEndedBefore(new Date(now.getTime() - days * 86_400_000), idleMinutes, tx);
  }

  /** Everything identity keeps about a person, without secrets or hashes. */
  async exportOf(user: User): Promise<IdentityExport> {
    const sessions = await this.sessions.allOf(user.id);
    const tokens = await this.tokens.listOf(user.id);
    const feed = await this.feeds.of(user.id);
    return {
      account: Object.fromEntries(ACCOUNT_FIELDS.map((field) => [field, user[field]])) as IdentityExport['account'],
      roles: effectiveRoles(user.idpRoles, user.roleOverrides ?? {}, this.config.roles),
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        revokedAt: s.revokedAt,
        ip: s.ip,
        userAgent: s.userAgent,
      })),
      apiTokens: tokens.map((t) => ({
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        scopes: t.scopes,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        lastUsedAt: t.lastUsedAt,
        lastUsedIp: t.lastUsedIp,
        revokedAt: t.revokedAt,
      })),
      calendarFeed: feed ? { createdAt: feed.createdAt } : null,
    };
  }
}
