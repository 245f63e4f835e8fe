import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { AccountDisabled } from './identity.errors';
import { effectiveRoles, type Role } from './role-mapping';
import { User } from './user.entity';

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
        displayName: profile.displayName,
        avatarUrl: profile.avatarUrl,
        idpRoles: profile.idpRoles,
        lastLoginAt: this.clock.now(),
      };
      if (existing) return repository.save(Object.assign(existing, fields));
      // Two first logins at once: the unique (issuer, subject) index lets one insert win.
      await repository
        .createQueryBuilder()
        .insert()
        .values({ issuer: profile.issuer, subject: profile.subject, ...fields })
        .orIgnore()
        .execute();
      return repository.findOneByOrFail({ issuer: profile.issuer, subject: profile.subject });
    });
  }

  findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  rolesOf(user: User): Role[] {
    return effectiveRoles(user.idpRoles, user.roleOverrides ?? {}, this.config.roles);
  }
}
