import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { RoleGrant } from './role-grant.entity';
import { User, type RoleOverrides } from './user.entity';

/** The fields a login writes: what the identity provider says about the person now. */
export type LoginFields = Pick<User, 'email' | 'emailVerified' | 'displayName' | 'avatarUrl' | 'idpRoles' | 'lastLoginAt'> &
  Partial<Pick<User, 'timezone' | 'timezoneSource'>>;

/** Which IdP role names count as a role, for searching people by role (lower case, no leading slash). */
export interface RoleNames {
  organizer: string[];
  admin: string[];
}

/** The tables `users` and `role_grants` (identity owns them). */
@Injectable()
export class UsersStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The account behind (issuer, subject), locked until `tx` ends. */
  lockByIdentity(issuer: string, subject: string, tx: Tx): Promise<User | null> {
    return managerOf(tx, this.dataSource)
      .getRepository(User)
      .findOne({ where: { issuer, subject }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Inserts the account of a first login, unless one with the same (issuer, subject) exists by
   * now (two first logins at once: the unique index lets one insert win), and reads it back.
   */
  async insertFirstLogin(identity: { issuer: string; subject: string }, fields: LoginFields & { roleOverrides: RoleOverrides }, tx: Tx): Promise<User> {
    const repository = managerOf(tx, this.dataSource).getRepository(User);
    await repository
      .createQueryBuilder()
      .insert()
      .values({ ...identity, ...fields })
      .orIgnore()
      .execute();
    return repository.findOneByOrFail(identity);
  }

  /** The accounts with this (lower-case) email, verified or not (the CLI names people by email). */
  findByEmail(email: string): Promise<User[]> {
    return this.dataSource.getRepository(User).find({ where: { email }, order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  /** The account with this id, locked until `tx` ends. */
  lockById(id: string, tx: Tx): Promise<User | null> {
    return managerOf(tx, this.dataSource)
      .getRepository(User)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The accounts with this verified (lower-case) email, locked until `tx` ends. */
  lockVerifiedByEmail(email: string, tx: Tx): Promise<User[]> {
    return managerOf(tx, this.dataSource)
      .getRepository(User)
      .find({ where: { email, emailVerified: true }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Saves a person's preferences (time zone and where it came from, language). With
   * `onlyWithoutZone`, only an account that has no time zone yet is changed. True when a row changed.
   */
  async setPreferences(
    id: string,
    fields: Partial<Pick<User, 'timezone' | 'timezoneSource' | 'locale'>>,
    options: { onlyWithoutZone?: boolean } = {},
  ): Promise<boolean> {
    const result = await this.dataSource.getRepository(User).update(options.onlyWithoutZone ? { id, timezone: IsNull() } : { id }, fields);
    return (result.affected ?? 0) > 0;
  }

  save(user: User, tx?: Tx): Promise<User> {
    return managerOf(tx, this.dataSource).getRepository(User).save(user);
  }

  /** Users by name/email text and role, alphabetically, one page at a time. */
  async search(
    options: { text?: string; role?: 'admin' | 'organizer' | 'participant' | 'disabled'; page: number; pageSize: number },
    roleNames: RoleNames,
  ): Promise<{ users: User[]; total: number }> {
    const query = this.dataSource.getRepository(User).createQueryBuilder('u');
    if (options.text) {
      const pattern = `%${options.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere('(u.email LIKE :pattern OR lower(u.display_name) LIKE :pattern)', { pattern });
    }
    const held = (role: 'organizer' | 'admin') => {
      return `((u.role_overrides->>'${role}') = 'grant' OR (coalesce(u.role_overrides->>'${role}', '') <> 'block' AND u.idp_roles && :${role}Names::text[]))`;
    };
    const params = { organizerNames: roleNames.organizer, adminNames: roleNames.admin };
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

  /** The grant waiting for this (lower-case) email, removed: a first login takes it. */
  async takeGrant(email: string, tx: Tx): Promise<RoleGrant | null> {
    const grants = managerOf(tx, this.dataSource).getRepository(RoleGrant);
    const grant = await grants.findOneBy({ email });
    if (grant) await grants.delete({ email: grant.email });
    return grant;
  }

  findGrant(email: string, tx?: Tx): Promise<RoleGrant | null> {
    return managerOf(tx, this.dataSource).getRepository(RoleGrant).findOneBy({ email });
  }

  async saveGrant(grant: Pick<RoleGrant, 'email' | 'overrides' | 'createdByLabel'>, tx?: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(RoleGrant).save(grant);
  }

  /** How many enabled accounts other than `exceptId` hold the admin role (IdP role or grant, not blocked). */
  countOtherAdmins(exceptId: string, roleNames: RoleNames, tx?: Tx): Promise<number> {
    return managerOf(tx, this.dataSource)
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.id <> :exceptId AND u.disabled = false', { exceptId })
      .andWhere(`((u.role_overrides->>'admin') = 'grant' OR (coalesce(u.role_overrides->>'admin', '') <> 'block' AND u.idp_roles && :adminNames::text[]))`, {
        adminNames: roleNames.admin,
      })
      .getCount();
  }

  /** Deletes an account (person deletion; its sessions and tokens are deleted first by their stores). */
  async deleteById(id: string, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(User).delete({ id });
  }

  /** Deletes the role grant waiting for this (lower-case) email; returns how many (0 or 1). */
  async deleteGrant(email: string, tx: Tx): Promise<number> {
    const result = await managerOf(tx, this.dataSource).getRepository(RoleGrant).delete({ email });
    return result.affected ?? 0;
  }

  /** Grants waiting for a first login, newest first. */
  pendingGrants(): Promise<RoleGrant[]> {
    return this.dataSource.getRepository(RoleGrant).find({ order: { createdAt: 'DESC' } });
  }
}
