import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { RoleOverrides } from './user.entity';

/**
 * Role overrides waiting for a person's first login (e.g. `moderato create-admin anna@school.org`
 * before Anna ever signed in). Applied to the account whose verified email matches, then removed.
 */
@Entity({ name: 'role_grants' })
export class RoleGrant {
  /** Lower-case email. */
  @PrimaryColumn({ type: 'text' })
  email: string;

  @Column({ type: 'jsonb' })
  overrides: RoleOverrides;

  @Column({ name: 'created_by_label', type: 'text', nullable: true })
  createdByLabel: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
