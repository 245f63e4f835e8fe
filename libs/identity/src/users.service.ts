import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource } from 'typeorm';
import { AppConfig } from '@moderato/config';
import { Clock, singleLine } from '@moderato/core';
import { AuditService, type Actor } from '@moderato/audit';
import { isUUID } from 'class-validator';
import { AccountDisabled, SelfLockout, UserNotFound } from './identity.errors';
import { effectiveRoles, type Role } from './role-mapping';
import { RoleGrant } from './role-grant.entity';
import { Session } from './session.entity';
import { User, type RoleOverride, type RoleOverrides } from './user.entity';

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
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates or refreshes the user behind a login, keyed by (issuer, subject): email, name,
   * avatar and IdP roles are taken anew each time. A disabled account cannot log in.
   */
  async upsertFromLogin(profile: IdentityProfile): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const existing = await repository.findOne({
        where: { issuer: profile.issuer, subject: profile.subject },
        lock: { mode: 'pessimistic_write' },
      });
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
      const grant = profile.emailVerified ? await manager.getRepository(RoleGrant).findOneBy({ email: fields.email }) : null;
      if (grant) await manager.getRepository(RoleGrant).delete({ email: grant.email });
      const withGrant = (overrides: RoleOverrides) => (grant ? { ...grant.overrides, ...overrides } : overrides);
      if (existing) return repository.save(Object.assign(existing, fields, { roleOverrides: withGrant(existing.roleOverrides ?? {}) }));
      // Two first logins at once: the unique (issuer, subject) index lets one insert win.
      await repository
        .createQueryBuilder()
        .insert()
        .values({ issuer: profile.issuer, subject: profile.subject, ...fields, roleOverrides: withGrant({}) })
        .orIgnore()
        .execute();
      return repository.findOneByOrFail({ issuer: profile.issuer, subject: profile.subject });
    });
  }

  findById(id: string): Promise<User | null> {
    if (!isUUID(id)) return Promise.resolve(null);
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new UserNotFound();
    return user;
  }

  /** Administration: users by name/email text and role, alphabetically, one page at a time. */
  async search(options: { q?: string; role?: RoleFilter; page: number; pageSize: number }): Promise<{ users: User[]; total: number }> {
    const query = this.dataSource.getRepository(User).createQueryBuilder('u');
    const text = options.q?.trim();
    if (text) {
      const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere('(u.email LIKE :pattern OR lower(u.display_name) LIKE :pattern)', { pattern });
    }
    const held = (role: 'organizer' | 'admin') => {
      return `((u.role_overrides->>'${role}') = 'grant' OR (coalesce(u.role_overrides->>'${role}', '') <> 'block' AND u.idp_roles && :${role}Names::text[]))`;
    };
    const params = {
      organizerNames: this.config.roles.organizer.map((name) => name.trim().toLowerCase().replace(/^\/+/, '')),
      adminNames: this.config.roles.admin.map((name) => name.trim().toLowerCase().replace(/^\/+/, '')),
    };
    if (options.role === 'admin') query.andWhere(held('admin'), params);
    else if (options.role === 'organizer') query.andWhere(held('organizer'), params);
    else if (options.role === 'participant') query.andWhere(`NOT ${held('organizer')} AND NOT ${held('admin')}`, params);
    else if (options.role === 'disabled') query.andWhere('u.disabled = true');
    const [users, total] = await query
      .orderBy('lower(u.display_name)', 'ASC')
      .addOrderBy('u.email', 'ASC')
      .skip((options.page - 1) * options.pageSize)
      .take(options.pageSize)
      .getManyAndCount();
    return { users, total };
  }

  /**
   * Sets or clears local role overrides. Takes effect on the person's next request. An admin
   * cannot take their own admin rights away.
   */
  async setRoleOverrides(userId: string, choice: { organizer?: OverrideChoice; admin?: OverrideChoice }, actor: AdminActor): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = isUUID(userId) ? await repository.findOne({ where: { id: userId }, lock: { mode: 'pessimistic_write' } }) : null;
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
      const saved = await repository.save(user);
      await this.audit.record(
        {
          action: 'user.roles_changed',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'user', id: user.id },
          metadata: { email: user.email, from: before, to: next, roles: effectiveRoles(user.idpRoles, next, this.config.roles) },
        },
        manager,
      );
      return saved;
    });
  }

  /** Disables (every session ends at once) or re-enables an account. Not one's own. */
  async setDisabled(userId: string, disabled: boolean, actor: AdminActor): Promise<{ user: User; sessionsRevoked: number }> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = isUUID(userId) ? await repository.findOne({ where: { id: userId }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!user) throw new UserNotFound();
      if (disabled && actor.id === user.id) throw new SelfLockout('disabled');
      if (user.disabled === disabled) return { user, sessionsRevoked: 0 };
      user.disabled = disabled;
      const saved = await repository.save(user);
      let sessionsRevoked = 0;
      if (disabled) {
        const result = await manager.getRepository(Session).update({ userId: user.id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
        sessionsRevoked = result.affected ?? 0;
      }
      await this.audit.record(
        {
          action: disabled ? 'user.disabled' : 'user.enabled',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'user', id: user.id },
          metadata: { email: user.email, sessionsRevoked },
        },
        manager,
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
    return this.dataSource.transaction(async (manager) => {
      const users = await manager.getRepository(User).find({ where: { email: address, emailVerified: true }, lock: { mode: 'pessimistic_write' } });
      for (const user of users) {
        user.roleOverrides = { ...(user.roleOverrides ?? {}), ...overrides };
        await manager.getRepository(User).save(user);
      }
      if (!users.length) {
        const existing = await manager.getRepository(RoleGrant).findOneBy({ email: address });
        await manager
          .getRepository(RoleGrant)
          .save({ email: address, overrides: { ...(existing?.overrides ?? {}), ...overrides }, createdByLabel: actor.label });
      }
      await this.audit.record(
        {
          action: 'user.roles_granted',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'email', id: address },
          metadata: { overrides, appliedTo: users.length },
        },
        manager,
      );
      return { appliedTo: users.length, pending: users.length === 0 };
    });
  }

  /** Grants waiting for a first login. */
  pendingGrants(): Promise<RoleGrant[]> {
    return this.dataSource.getRepository(RoleGrant).find({ order: { createdAt: 'DESC' } });
  }

  rolesOf(user: User): Role[] {
    return effectiveRoles(user.idpRoles, user.roleOverrides ?? {}, this.config.roles);
  }
}
