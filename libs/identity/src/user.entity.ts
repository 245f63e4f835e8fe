import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** A local override an admin puts on top of the roles the identity provider gives. */
export type RoleOverride = 'grant' | 'block';
export interface RoleOverrides {
  organizer?: RoleOverride;
  admin?: RoleOverride;
}

/** A person, as known from the identity provider (issuer + subject) at their last login. */
/** Where a person's time zone came from; a `chosen` one is never replaced by the IdP or the browser. */
export type TimezoneSource = 'idp' | 'browser' | 'chosen';

/** Where the zone a person's times are shown in comes from; `organisation`: they have none, the policy's default applies. */
export function timezoneSourceOf(user: { timezone: string | null; timezoneSource: TimezoneSource | null }): TimezoneSource | 'organisation' {
  return user.timezone ? (user.timezoneSource ?? 'chosen') : 'organisation';
}

@Entity({ name: 'users' })
@Unique('uq_users_issuer_subject', ['issuer', 'subject'])
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  issuer: string;

  @Column({ type: 'text' })
  subject: string;

  /** Always stored lower-case. */
  @Index('ix_users_email')
  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'avatar_url', type: 'text', nullable: true })
  avatarUrl: string | null;

  /** Role names mapped from the IdP's claims at the last login. */
  @Column({ name: 'idp_roles', type: 'text', array: true, default: () => "'{}'" })
  idpRoles: string[];

  @Column({ name: 'role_overrides', type: 'jsonb', default: () => "'{}'" })
  roleOverrides: RoleOverrides;

  /** IANA time zone, e.g. Europe/Berlin; null means the organisation default. */
  @Column({ type: 'text', nullable: true })
  timezone: string | null;

  /** Where `timezone` came from: the IdP's `zoneinfo`, the browser's first visit, or the person's own choice (Settings). */
  @Column({ name: 'timezone_source', type: 'text', nullable: true })
  timezoneSource: TimezoneSource | null;

  /** `en` or `de`; null means "from the browser". */
  @Column({ type: 'text', nullable: true })
  locale: string | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
