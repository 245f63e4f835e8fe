import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The organisation policy an admin set on the settings page: one row (id 1). `values` holds
 * the fields the admin saved; a field absent there falls back to its environment default.
 */
@Entity({ name: 'org_settings' })
@Check('ck_org_settings_single_row', '"id" = 1')
export class OrgSettings {
  @PrimaryColumn({ type: 'smallint', default: 1 })
  id: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  values: Record<string, unknown>;

  @Column({ name: 'updated_by_label', type: 'text', nullable: true })
  updatedByLabel: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
