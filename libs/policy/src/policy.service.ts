import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditService, type Actor } from '@moderato/audit';
import { AppConfig, type Locale } from '@moderato/config';
import { InvalidInputError } from '@moderato/core';
import { Transactions, type Tx } from '@moderato/database';
import type { UpdatePolicyDto } from './dto/policy.dto';
import { DEFAULT_PARTICIPANT_FEATURES, mergeParticipantFeatures, type ParticipantFeaturesPolicy } from './participant-features';
import { PolicyStore } from './policy.store';
import { POLICY_SERVER_DIRECTORY, type PolicyServerDirectory } from './server-directory';

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
  /** The zone times are shown in to people whose own zone is not known (IANA name). */
  defaultTimezone: string;
  productName: string;
  logoUrl: string;
  supportContact: string;
  mailFooter: string;
  /** Sessions (with their ID tokens, IPs and user agents) are deleted this many days after they ended. */
  retentionSessionDays: number;
  /** Audit events are deleted this many days after they were recorded. */
  retentionAuditDays: number;
  /** Invitations are deleted this many days after their meeting's (or series') last date. */
  retentionInvitationDays: number;
  /** What participants may do in the room per role (context.features in their tokens); see participant-features.ts. */
  participantFeatures: ParticipantFeaturesPolicy;

  /** End each meeting's date for everyone at its scheduled end plus the grace (meetings may say otherwise). */
  autoEndMeetings: boolean;
  /** Minutes after the scheduled end before the automatic end. */
  autoEndGraceMinutes: number;
  /** Presence from Jitsi (attendance) is deleted this many days after the connection began. */
  retentionAttendanceDays: number;
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
  'defaultTimezone',
  'productName',
  'logoUrl',
  'supportContact',
  'mailFooter',
  'retentionSessionDays',
  'retentionAuditDays',
  'retentionInvitationDays',
  'participantFeatures',

  'autoEndMeetings',
  'autoEndGraceMinutes',
  'retentionAttendanceDays',
];

/** Automatic end (End meeting at the scheduled end + grace): off until an admin turns it on. */
export const AUTO_END_DEFAULTS = { autoEndMeetings: false, autoEndGraceMinutes: 10 } as const;

/**
 * Retention defaults (days). Not environment variables: a school changes them on the policy page,
 * and these are what a data-protection officer would accept without asking (docs/data-protection.md).
 */
export const RETENTION_DEFAULTS = { retentionSessionDays: 30, retentionAuditDays: 365, retentionInvitationDays: 730, retentionAttendanceDays: 180 } as const;

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
    private readonly store: PolicyStore,
    private readonly transactions: Transactions,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    // Absent where no Jitsi servers are wired (the worker): there the policy is only read.
    @Optional() @Inject(POLICY_SERVER_DIRECTORY) private readonly serverDirectory?: PolicyServerDirectory,
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
      defaultTimezone: config.defaultTimezone,
      productName: config.productName,
      logoUrl: '',
      supportContact: '',
      mailFooter: '',
      ...RETENTION_DEFAULTS,
      participantFeatures: structuredClone(DEFAULT_PARTICIPANT_FEATURES),

      ...AUTO_END_DEFAULTS,
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
    const saved = await this.transactions.run(async (tx) => {
      const row = await this.store.lock(tx);
      const before = this.merge(row.values);
      const next: Record<string, unknown> = { ...row.values };
      for (const field of POLICY_FIELDS) {
        const value = (dto as Record<string, unknown>)[field];
        if (value !== undefined) next[field] = value;
      }
      // A grid given in part changes only the boxes it names; the complete grid is stored.
      if (dto.participantFeatures !== undefined) next.participantFeatures = mergeParticipantFeatures(dto.participantFeatures, before.participantFeatures);
      if (dto.organizerServerIds?.length) {
        const ids = [...new Set(dto.organizerServerIds)];
        next.organizerServerIds = ids;
        const missing = await this.unknownServers(ids, tx);
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
      await this.store.save(row, tx);
      if (Object.keys(changed).length) {
        await this.audit.record(
          { action: 'policy.changed', actor, ip: actor.ip ?? null, subject: { type: 'policy', id: 'organisation' }, metadata: { changed } },
          tx,
        );
      }
      return after;
    });
    this.cache = null;
    return saved;
  }

  /** Back to the environment defaults for every field. */
  async reset(actor: PolicyActor): Promise<OrgPolicy> {
    await this.transactions.run(async (tx) => {
      if (await this.store.remove(tx))
        await this.audit.record({ action: 'policy.reset', actor, ip: actor.ip ?? null, subject: { type: 'policy', id: 'organisation' } }, tx);
    });
    this.cache = null;
    return this.defaults();
  }

  private async load(fresh = false) {
    if (!fresh && this.cache && performance.now() - this.cache.at < CACHE_MS) return this.cache;
    const row = await this.store.read();
    this.cache = { at: performance.now(), policy: this.merge(row?.values ?? {}), updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedByLabel ?? null };
    return this.cache;
  }

  /** Those of `ids` that name no Jitsi server. */
  private async unknownServers(ids: string[], tx: Tx): Promise<string[]> {
    if (!this.serverDirectory) throw new Error('No Jitsi server directory: import JitsiModule to change the servers organizers may use');
    const found = new Set(await this.serverDirectory.existing(ids, tx));
    return ids.filter((id) => !found.has(id));
  }

  private merge(values: Record<string, unknown>): OrgPolicy {
    const policy = this.defaults();
    for (const field of POLICY_FIELDS) {
      const value = values[field];
      if (value !== undefined && value !== null && typeof value === typeof policy[field]) (policy as unknown as Record<string, unknown>)[field] = value;
    }
    policy.participantFeatures = mergeParticipantFeatures(values.participantFeatures);
    return policy;
  }
}
