import { Injectable } from '@nestjs/common';
import { AppConfig, type Locale } from '@moderato/config';
import { Clock, singleLine } from '@moderato/core';
import { AuditService, type Actor } from '@moderato/audit';
import { Transactions } from '@moderato/database';
import { isUUID } from 'class-validator';
import { AccountDisabled, SelfLockout, UserNotFound } from './identity.errors';
import { effectiveRoles, type Role } from './role-mapping';
import type { RoleGrant } from './role-grant.entity';
import { SessionsStore } from './sessions.store';
import type { User, RoleOverride, RoleOverrides } from './user.entity';
import { UsersStore } from './users.store';

export type RoleFilter = 'admin' | 'organizer' | 'participant' | 'disabled';
/** `idp` removes the override: the identity provider decides again. */
export type OverrideChoice = RoleOverride | 'idp';

/** Who acts (audited). */
export type AdminActor = Actor;

export interface IdentityProfile {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  displayName: string;
  avatarUrl: string | null;
  idpRoles: string[];
  /** The IdP's `zoneinfo` claim, when it names a real IANA zone (canonical spelling). */
  timezone?: string | null;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly store: UsersStore,
    private readonly sessions: SessionsStore,
    private readonly transactions: Transactions,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates or refreshes the user behind a login, keyed by (issuer, subject): email, name,
   * avatar and IdP roles are taken anew each time. A disabled account cannot log in.
   */
  async upsertFromLogin(profile: IdentityProfile): Promise<User> {
    return this.transactions.run(async (tx) => {
      const existing = await this.store.lockByIdentity(profile.issuer, profile.subject, tx);
      if (existing?.disabled) throw new AccountDisabled();
      const fields = {
        email: profile.email.toLowerCase(),
        emailVerified: profile.emailVerified,
        // Shown on pages, in mails, calendar entries and tokens: one line, no control characters.
        displayName: singleLine(profile.displayName).trim(),
        avatarUrl: profile.avatarUrl,
        idpRoles: profile.idpRoles,
        lastLoginAt: this.clock.now(),
      };
      // The IdP's zone, unless the person chose one of their own on the Settings page.
      const zone = profile.timezone && existing?.timezoneSource !== 'chosen' ? { timezone: profile.timezone, timezoneSource: 'idp' as const } : {};
      const grant = profile.emailVerified ? await this.store.takeGrant(fields.email, tx) : null;
      const withGrant = (overrides: RoleOverrides) => (grant ? { ...grant.overrides, ...overrides } : overrides);
      if (existing) return this.store.save(Object.assign(existing, fields, zone, { roleOverrides: withGrant(existing.roleOverrides ?? {}) }), tx);
      return this.store.insertFirstLogin({ issuer: profile.issuer, subject: profile.subject }, { ...fields, ...zone, roleOverrides: withGrant({}) }, tx);
    });
  }

  /**
   * The browser's zone, sent once on a first visit: kept only when the account has no zone yet
   * (the IdP's or the person's own choice wins). False when a zone was already set.
   */
  detectedTimezone(userId: string, timezone: string): Promise<boolean> {
    return this.store.setPreferences(userId, { timezone, timezoneSource: 'browser' }, { onlyWithoutZone: true });
  }

  /** The person's own choices on the Settings page: their time zone and language. */
  async savePreferences(userId: string, choice: { timezone: string; locale: Locale }): Promise<void> {
    await this.store.setPreferences(userId, { timezone: choice.timezone, timezoneSource: 'chosen', locale: choice.locale });
  }

  /** The language switch in the footer, for someone signed in: mails follow it too. */
  async saveLocale(userId: string, locale: Locale): Promise<void> {
    await this.store.setPreferences(userId, { locale });
  }

  findById(id: string): Promise<User | null> {
    if (!isUUID(id)) return Promise.resolve(null);
    return this.store.findById(id);
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new UserNotFound();
    return user;
  }

  /** Administration: users by name/email text and role, alphabetically, one page at a time. */
  async search(options: { q?: string; role?: RoleFilter; page: number; pageSize: number }): Promise<{ users: User[]; total: number }> {
    const names = (configured: string[]) => configured.map((name) => name.trim().toLowerCase().replace(/^\/+/, ''));
    return this.store.search(
      { text: options.q?.trim(), role: options.role, page: options.page, pageSize: options.pageSize },
      { organizer: names(this.config.roles.organizer), admin: names(this.config.roles.admin) },
    );
  }

  /**
   * Sets or clears local role overrides. Takes effect on the person's next request. An admin
   * cannot take their own admin rights away.
   */
  async setRoleOverrides(userId: string, choice: { organizer?: OverrideChoice; admin?: OverrideChoice }, actor: AdminActor): Promise<User> {
    return this.transactions.run(async (tx) => {
      const user = isUUID(userId) ? await this.store.lockById(userId, tx) : null;
      if (!user) throw new UserNotFound();
      const before = { ...(user.roleOverrides ?? {}) };
      const next: RoleOverrides = { ...before };
      for (const role of ['organizer', 'admin'] as const) {
        const value = choice[role];
        if (value === undefined) continue;
        if (value === 'idp') delete next[role];
        else next[role] = value;
      }
      if (actor.id === user.id && !effectiveRoles(user.idpRoles, next, this.config.roles).includes('admin')) throw new SelfLockout('admin');
      if (JSON.stringify(before) === JSON.stringify(next)) return user;
      user.roleOverrides = next;
      const saved = await this.store.save(user, tx);
      await this.audit.record(
        {
          action: 'user.roles_changed',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'user', id: user.id },
          metadata: { email: user.email, from: before, to: next, roles: effectiveRoles(user.idpRoles, next, this.config.roles) },
        },
        tx,
      );
      return saved;
    });
  }

  /** Disables (every session ends at once) or re-enables an account. Not one's own. */
  async setDisabled(userId: string, disabled: boolean, actor: AdminActor): Promise<{ user: User; sessionsRevoked: number }> {
    return this.transactions.run(async (tx) => {
      const user = isUUID(userId) ? await this.store.lockById(userId, tx) : null;
      if (!user) throw new UserNotFound();
      if (disabled && actor.id === user.id) throw new SelfLockout('disabled');
      if (user.disabled === disabled) return { user, sessionsRevoked: 0 };
      user.disabled = disabled;
      const saved = await this.store.save(user, tx);
      const sessionsRevoked = disabled ? await this.sessions.revokeAllOf(user.id, this.clock.now(), tx) : 0;
      await this.audit.record(
        {
          action: disabled ? 'user.disabled' : 'user.enabled',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'user', id: user.id },
          metadata: { email: user.email, sessionsRevoked },
        },
        tx,
      );
      return { user: saved, sessionsRevoked };
    });
  }

  /**
   * Grants (or blocks) roles by email: applied at once to accounts with that verified email, and
   * kept for the first login of anyone else with it (e.g. `moderato create-admin` on a new install).
   */
  async grantByEmail(email: string, overrides: RoleOverrides, actor: AdminActor): Promise<{ appliedTo: number; pending: boolean }> {
    const address = email.trim().toLowerCase();
    return this.transactions.run(async (tx) => {
      const users = await this.store.lockVerifiedByEmail(address, tx);
      for (const user of users) {
        user.roleOverrides = { ...(user.roleOverrides ?? {}), ...overrides };
        await this.store.save(user, tx);
      }
      if (!users.length) {
        const existing = await this.store.findGrant(address, tx);
        await this.store.saveGrant({ email: address, overrides: { ...(existing?.overrides ?? {}), ...overrides }, createdByLabel: actor.label }, tx);
      }
      await this.audit.record(
        {
          action: 'user.roles_granted',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'email', id: address },
          metadata: { overrides, appliedTo: users.length },
        },
        tx,
      );
      return { appliedTo: users.length, pending: users.length === 0 };
    });
  }

  /** Grants waiting for a first login. */
  pendingGrants(): Promise<RoleGrant[]> {
    return this.store.pendingGrants();
  }

  rolesOf(user: User): Role[] {
    return effectiveRoles(user.idpRoles, user.roleOverrides ?? {}, this.config.roles);
  }
}
