import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService, type Actor } from '@moderato/audit';
import { AppConfig, type Locale } from '@moderato/config';
import { InvalidInputError } from '@moderato/core';
import { OrgSettings } from './org-settings.entity';
import type { UpdatePolicyDto } from './policy.dto';

/** What the organisation allows; every field has an environment default (see .env.example). */
export interface OrgPolicy {
  /** Servers organizers may choose; empty = every enabled server. */
  organizerServerIds: string[];
  joinWindowBeforeMinutes: number;
  joinWindowAfterMinutes: number;
  maxMeetingMinutes: number;
  guestAccessAllowed: boolean;
  tokenMaxTtlMinutes: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  defaultLocale: Locale;
  productName: string;
  logoUrl: string;
  supportContact: string;
  mailFooter: string;
}

export const POLICY_FIELDS: (keyof OrgPolicy)[] = [
  'organizerServerIds',
  'joinWindowBeforeMinutes',
  'joinWindowAfterMinutes',
  'maxMeetingMinutes',
  'guestAccessAllowed',
  'tokenMaxTtlMinutes',
  'sessionIdleMinutes',
  'sessionMaxHours',
  'defaultLocale',
  'productName',
  'logoUrl',
  'supportContact',
  'mailFooter',
];

/** Who acts (audited). */
export type PolicyActor = Actor;

/**
 * How long a process trusts its copy of the policy. A change made through this process is seen at
 * once; other api/worker replicas see it within this time.
 */
const CACHE_MS = 5_000;

/** The organisation policy: environment defaults, overridden by what an admin saved. */
@Injectable()
export class PolicyService {
  private cache: { at: number; policy: OrgPolicy; updatedAt: Date | null; updatedBy: string | null } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** The policy as the environment sets it, before any admin change. */
  defaults(): OrgPolicy {
    const config = this.config;
    return {
      organizerServerIds: [],
      joinWindowBeforeMinutes: config.meetingDefaults.joinWindowMinutes,
      joinWindowAfterMinutes: 0,
      maxMeetingMinutes: config.meetingDefaults.maxMinutes,
      guestAccessAllowed: config.guestAccessAllowed,
      tokenMaxTtlMinutes: Math.round(config.tokenMaxTtlSeconds / 60),
      sessionIdleMinutes: config.session.idleMinutes,
      sessionMaxHours: config.session.maxHours,
      defaultLocale: config.defaultLocale,
      productName: config.productName,
      logoUrl: '',
      supportContact: '',
      mailFooter: '',
    };
  }

  /** The policy in force (cached for a few seconds). */
  async current(): Promise<OrgPolicy> {
    return (await this.load()).policy;
  }

  /** The policy with who changed it last, for the settings page. */
  async describe(): Promise<{ policy: OrgPolicy; defaults: OrgPolicy; updatedAt: Date | null; updatedBy: string | null }> {
    const loaded = await this.load(true);
    return { policy: loaded.policy, defaults: this.defaults(), updatedAt: loaded.updatedAt, updatedBy: loaded.updatedBy };
  }

  /** Saves the given fields (the rest keep their values) and records what changed. */
  async update(dto: UpdatePolicyDto, actor: PolicyActor): Promise<OrgPolicy> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(OrgSettings);
      await repository.createQueryBuilder().insert().values({ id: 1, values: {} }).orIgnore().execute();
      const row = await repository.findOneOrFail({ where: { id: 1 }, lock: { mode: 'pessimistic_write' } });
      const before = this.merge(row.values);
      const next: Record<string, unknown> = { ...row.values };
      for (const field of POLICY_FIELDS) {
        const value = (dto as Record<string, unknown>)[field];
        if (value !== undefined) next[field] = value;
      }
      if (dto.organizerServerIds?.length) {
        const ids = [...new Set(dto.organizerServerIds)];
        next.organizerServerIds = ids;
        const found: { id: string }[] = await manager.query('SELECT id FROM jitsi_servers WHERE id = ANY($1::uuid[])', [ids]);
        const missing = ids.filter((id) => !found.some((row) => row.id === id));
        if (missing.length) throw new InvalidInputError([{ field: 'organizerServerIds', messages: [`unknown server: ${missing.join(', ')}`] }]);
      }
      const after = this.merge(next);
      if (after.sessionIdleMinutes > after.sessionMaxHours * 60) {
        throw new InvalidInputError([{ field: 'sessionIdleMinutes', messages: ['must not be longer than the maximum session length'] }]);
      }
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of POLICY_FIELDS) {
        if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) changed[field] = { from: before[field], to: after[field] };
      }
      row.values = next;
      row.updatedByLabel = actor.label;
      await repository.save(row);
      if (Object.keys(changed).length) {
        await this.audit.record(
          { action: 'policy.changed', actor, ip: actor.ip ?? null, subject: { type: 'policy', id: 'organisation' }, metadata: { changed } },
          manager,
        );
      }
      return after;
    });
    this.cache = null;
    return saved;
  }

  /** Back to the environment defaults for every field. */
  async reset(actor: PolicyActor): Promise<OrgPolicy> {
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.getRepository(OrgSettings).delete({ id: 1 });
      if (result.affected)
        await this.audit.record({ action: 'policy.reset', actor, ip: actor.ip ?? null, subject: { type: 'policy', id: 'organisation' } }, manager);
    });
    this.cache = null;
    return this.defaults();
  }

  private async load(fresh = false) {
    if (!fresh && this.cache && performance.now() - this.cache.at < CACHE_MS) return this.cache;
    const row = await this.dataSource.getRepository(OrgSettings).findOneBy({ id: 1 });
    this.cache = { at: performance.now(), policy: this.merge(row?.values ?? {}), updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedByLabel ?? null };
    return this.cache;
  }

  private merge(values: Record<string, unknown>): OrgPolicy {
    const policy = this.defaults();
    for (const field of POLICY_FIELDS) {
      const value = values[field];
      if (value !== undefined && value !== null && typeof value === typeof policy[field]) (policy as unknown as Record<string, unknown>)[field] = value;
    }
    return policy;
  }
}
