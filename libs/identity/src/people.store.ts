import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EntityColumns } from '@moderato/database';
import { User } from './user.entity';

/**
 * People as other libs read them: identity owns `users`, so the SQL that reads it — also inside
 * another lib's hot-path statement (the join's organizer, the mail's organizer and invitee) — is
 * written here, like audit's insert fragment. A statement composes `select()` with `joinById()`
 * or `latestByEmail()` and reads its rows back with `columns`; a renamed column changes here and
 * nowhere else. Deliberately small and without the sign-in machinery, so the worker can use it.
 */
@Injectable()
export class PeopleStore {
  /** The User columns a composed statement selects, in the order `columns.hydrate()` reads them. */
  readonly columns: EntityColumns<User>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.columns = new EntityColumns(dataSource, User);
  }

  /** `"o"."id", "o"."email", …`: the person's columns under `alias`. */
  select(alias: string): string {
    return this.columns.select(alias);
  }

  /** `[LEFT ]JOIN "users" "<alias>" ON "<alias>"."id" = <idExpression>`. */
  joinById(alias: string, idExpression: string, options: { left?: boolean } = {}): string {
    const u = this.columns;
    return `${options.left ? 'LEFT ' : ''}JOIN ${u.table} "${alias}" ON "${alias}".${u.column('id')} = ${idExpression}`;
  }

  /**
   * The account an address signs in with (the latest signed-in one when several share it), as
   * `<alias>`: `LEFT JOIN LATERAL (…) "<alias>" ON true`.
   */
  latestByEmail(alias: string, emailExpression: string): string {
    const u = this.columns;
    return `LEFT JOIN LATERAL (SELECT * FROM ${u.table} "u" WHERE "u".${u.column('email')} = lower(${emailExpression}) ORDER BY "u".${u.column('lastLoginAt')} DESC NULLS LAST LIMIT 1) "${alias}" ON true`;
  }

  /** One person by id (not a hot path). */
  byId(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }
}

/** PeopleStore alone, for libs that need to read people (meetings, mail) without IdentityModule. */
@Module({ providers: [PeopleStore], exports: [PeopleStore] })
export class PeopleModule {}
