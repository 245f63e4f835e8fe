import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AuditService } from '@moderato/audit';
import { Transactions, type Tx } from '@moderato/database';
import { PolicyService, featuresFor } from '@moderato/policy';
import { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import type { RecordInteropResultDto } from '../dto/interop.dto';
import type { JitsiServer } from '../jitsi-server.entity';
import { JitsiServersService, type Actor } from '../jitsi-servers.service';
import { JitsiServersStore } from '../jitsi-servers.store';
import { InteropCheckAlreadyRecorded, InteropCheckNotFound } from '../jitsi.errors';
import { interopExpectations, type InteropExpectation } from './interop-expectations';
import {
  INTEROP_LINKS,
  INTEROP_TEST_SECONDS,
  interopRoomName,
  interopSettingsFingerprint,
  interopStatusOf,
  mintInteropLinks,
  type InteropLink,
  type InteropOutcomes,
} from './interop-plan';
import type { JitsiServerCheck } from './jitsi-server-check.entity';
import { checkTokenFeatures, tokenPayload, type FeatureCheck } from '../token';
import { InteropStore } from './interop.store';

/** A check as the admin sees it: the links (while its window is open) and what each must do. */
export interface InteropTest {
  server: JitsiServer;
  check: JitsiServerCheck;
  /** Freshly minted while the test window is open; empty after it. */
  links: InteropLink[];
  expired: boolean;
  expectations: InteropExpectation[];
  /** Whether the participant link's token carries the features the policy gives members (while the links exist). */
  memberFeatures?: FeatureCheck;
}

/** The latest recorded check of a server, and whether the server's settings changed since. */
export interface InteropResult {
  check: JitsiServerCheck;
  settingsChanged: boolean;
}

/** An enabled server that needs a (new) test: never verified, problems found, or changed since. */
export interface UnverifiedServer {
  server: JitsiServer;
  latest?: InteropResult;
}

/**
 * "Test this server": a short-lived test room with four links (organizer, participant, no
 * token, wrong room) whose tokens Moderato mints exactly as for meetings, and the admin's
 * record of what Jitsi did with each. Test rooms are never meetings: they live only here.
 */
@Injectable()
export class JitsiInteropService {
  constructor(
    private readonly store: InteropStore,
    private readonly serversStore: JitsiServersStore,
    private readonly transactions: Transactions,
    private readonly servers: JitsiServersService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  /** Person deletion, in its transaction: the checks they started or recorded name `pseudonym` instead; returns how many. */
  pseudonymise(person: { id: string; email: string }, pseudonym: { id: string; label: string }, tx: Tx): Promise<number> {
    return this.store.pseudonymise(person, pseudonym, tx);
  }

  /** Opens a test window of 15 minutes for the server; audited as server.interop_started. */
  async start(serverId: string, actor: Actor): Promise<InteropTest> {
    const server = await this.servers.get(serverId);
    const now = this.clock.now();
    const check = await this.transactions.run(async (tx) => {
      const saved = await this.store.insert(
        {
          serverId: server.id,
          room: interopRoomName(),
          otherRoom: interopRoomName(),
          settingsFingerprint: await this.fingerprint(server),
          startedAt: now,
          expiresAt: new Date(now.getTime() + INTEROP_TEST_SECONDS * 1000),
          startedById: actor.id,
          startedByLabel: actor.label,
          status: 'pending',
        },
        tx,
      );
      await this.audit.record(
        {
          action: 'server.interop_started',
          actor,
          ip: actor.ip,
          subject: { type: 'jitsi_server', id: server.id },
          metadata: { checkId: saved.id, room: saved.room, otherRoom: saved.otherRoom, expiresAt: saved.expiresAt.toISOString() },
        },
        tx,
      );
      return saved;
    });
    return this.present(server, check);
  }

  /** One check of the server, with its links minted now if its window is still open. */
  async view(serverId: string, checkId: string): Promise<InteropTest> {
    const server = await this.servers.get(serverId);
    return this.present(server, await this.find(server.id, checkId));
  }

  /** Stores what happened with each link (once per check); audited as server.interop_recorded. */
  async record(serverId: string, checkId: string, input: RecordInteropResultDto, actor: Actor): Promise<JitsiServerCheck> {
    const server = await this.servers.get(serverId);
    const check = await this.find(server.id, checkId);
    const outcomes = Object.fromEntries(INTEROP_LINKS.map((kind) => [kind, input[kind]])) as InteropOutcomes;
    const status = interopStatusOf(outcomes);
    const now = this.clock.now();
    return this.transactions.run(async (tx) => {
      const recorded = await this.store.record(
        check.id,
        { status, outcomes, note: input.note || null, recordedAt: now, recordedById: actor.id, recordedByLabel: actor.label },
        tx,
      );
      if (!recorded) throw new InteropCheckAlreadyRecorded(check.id);
      await this.audit.record(
        {
          action: 'server.interop_recorded',
          actor,
          ip: actor.ip,
          subject: { type: 'jitsi_server', id: server.id },
          metadata: { checkId: check.id, status, outcomes, ...(input.note ? { note: input.note } : {}) },
        },
        tx,
      );
      return (await this.store.find(server.id, check.id, tx))!;
    });
  }

  /** The latest recorded check of each server that has one, by server id. */
  async latestResults(): Promise<Map<string, InteropResult>> {
    const [servers, checks] = await Promise.all([this.servers.list(), this.latestChecks()]);
    const results = new Map<string, InteropResult>();
    for (const server of servers) {
      const check = checks.get(server.id);
      if (check) results.set(server.id, { check, settingsChanged: check.settingsFingerprint !== (await this.fingerprint(server)) });
    }
    return results;
  }

  /** Enabled servers whose latest result is not a "verified" for their current settings. */
  async unverified(): Promise<UnverifiedServer[]> {
    const [servers, latest] = await Promise.all([this.servers.list(), this.latestResults()]);
    return servers
      .filter((server) => {
        const result = latest.get(server.id);
        return server.enabled && (result?.check.status !== 'verified' || result.settingsChanged);
      })
      .map((server) => ({ server, latest: latest.get(server.id) }));
  }

  private async fingerprint(server: JitsiServer): Promise<string> {
    const key = server.signingMode === 'RS256' ? await this.serversStore.activeKey(server.id) : null;
    return interopSettingsFingerprint(server, key?.kid ?? null);
  }

  private async latestChecks(): Promise<Map<string, JitsiServerCheck>> {
    const checks = await this.store.latestRecorded();
    return new Map(checks.map((check) => [check.serverId, check]));
  }

  private async find(serverId: string, checkId: string): Promise<JitsiServerCheck> {
    const check = isUUID(checkId) ? await this.store.find(serverId, checkId) : null;
    if (!check) throw new InteropCheckNotFound(checkId);
    return check;
  }

  private async present(server: JitsiServer, check: JitsiServerCheck): Promise<InteropTest> {
    const now = this.clock.now();
    const expired = now.getTime() >= check.expiresAt.getTime() - 1000;
    const policy = await this.policy.current();
    const expected = { owner: featuresFor(policy.participantFeatures, 'owner'), member: featuresFor(policy.participantFeatures, 'member') };
    const links = expired
      ? []
      : await mintInteropLinks({
          server,
          signingKey: await this.servers.signingKey(server),
          room: check.room,
          otherRoom: check.otherRoom,
          expiresAt: check.expiresAt,
          now,
          maxTtlSeconds: policy.tokenMaxTtlMinutes * 60,
          features: expected,
          organizer: {
            id: check.startedById ?? 'moderato-test-organizer',
            email: check.startedByLabel?.includes('@') ? check.startedByLabel : '',
          },
        });
    const member = links.find((link) => link.kind === 'participant')?.token;
    return {
      server,
      check,
      links,
      expired,
      expectations: interopExpectations(server, this.config.publicUrl),
      // Read back from the token itself: what Jitsi will see.
      memberFeatures: member ? checkTokenFeatures(tokenPayload(member), expected.member) : undefined,
    };
  }
}
