import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AuditService, type Actor } from '@moderato/audit';
import { PolicyService, featuresFor } from '@moderato/policy';
import { AppConfig } from '@moderato/config';
import { Clock, InvalidInputError } from '@moderato/core';
import { Transactions, type Tx } from '@moderato/database';
import type { User } from '@moderato/identity';
import { JitsiServersService, mintRoomToken, type JitsiServer } from '@moderato/jitsi';
import { roomNameFor } from '@moderato/meetings';
import { SLUG_PATTERN, affiliationFor, formatAccessEntry, normaliseAccessValue, slugOf, type AccessEntry, type RoomAffiliation } from './access-list';
import type { CreateRoomDto, UpdateRoomDto } from './dto/room.dto';
import type { PermanentRoom } from './permanent-room.entity';
import { RoomNotFound, RoomSlugTaken, RoomVersionConflict, roomFieldError } from './rooms.errors';
import { RoomsStore } from './rooms.store';

/** Who did it, for the audit log. */
/** Who acts (audited). */
export type RoomActor = Actor;

/** Why someone gets no token for a room. */
export type RoomRefusal = 'not_listed' | 'unverified' | 'room_disabled' | 'server_disabled';

export type RoomAccess = { allowed: true; affiliation: RoomAffiliation } | { allowed: false; reason: RoomRefusal };

/** What opening `/r/<slug>` leads to. */
export type RoomJoinDecision =
  | { outcome: 'not_found' }
  | { outcome: 'refused'; reason: RoomRefusal; room: PermanentRoom; signedInEmail: string }
  | { outcome: 'join'; room: PermanentRoom; url: string; affiliation: RoomAffiliation; expiresAt: Date };

const entryKeys = (entries: AccessEntry[]) => new Set(entries.map(formatAccessEntry));

/** Exactly the stored shape (no stray fields), values in the form they are compared in. */
const storedEntries = (entries: AccessEntry[]): AccessEntry[] =>
  entries.map(({ kind, value, affiliation }) => ({ kind, value: normaliseAccessValue(kind, value) as string, affiliation }));

/**
 * Permanent rooms: the admin's CRUD (every change audited) and the door — who on the access
 * list gets which token, and that nobody else gets one.
 */
@Injectable()
export class RoomsService {
  constructor(
    private readonly store: RoomsStore,
    private readonly transactions: Transactions,
    private readonly servers: JitsiServersService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  async list(): Promise<PermanentRoom[]> {
    return this.withServers(await this.store.list());
  }

  get(id: string): Promise<PermanentRoom> {
    return this.load(id);
  }

  async create(input: CreateRoomDto, actor: RoomActor): Promise<PermanentRoom> {
    const slug = input.slug ?? slugOf(input.name);
    if (!slug) throw roomFieldError('slug', 'the name has no letters or digits to make an address from: enter a slug, e.g. staff-room');
    return this.transactions.run(async (tx) => {
      const server = await this.serverFor(input.serverId, tx);
      await this.checkSlugFree(slug, tx);
      const room = await this.store.insert(
        {
          name: input.name,
          slug,
          serverId: server.id,
          roomName: roomNameFor(slug),
          access: storedEntries(input.access ?? []),
          enabled: input.enabled ?? true,
          createdById: actor.id,
          updatedById: actor.id,
        },
        tx,
      );
      await this.audit.record(
        {
          action: 'room.created',
          actor,
          ip: actor.ip,
          subject: { type: 'permanent_room', id: room.id },
          metadata: {
            name: room.name,
            slug: room.slug,
            roomName: room.roomName,
            serverId: room.serverId,
            enabled: room.enabled,
            access: room.access.map(formatAccessEntry),
          },
        },
        tx,
      );
      room.server = server;
      return room;
    });
  }

  async update(id: string, input: UpdateRoomDto, actor: RoomActor): Promise<PermanentRoom> {
    return this.transactions.run(async (tx) => {
      const room = await this.load(id, tx, true);
      if (input.version === undefined)
        throw new InvalidInputError([{ field: 'version', messages: ['version (or If-Match) is required: the room version you edited'] }]);
      if (room.version !== input.version) throw new RoomVersionConflict(input.version, room.version);
      const before = { name: room.name, slug: room.slug, serverId: room.serverId, enabled: room.enabled, access: room.access };
      if (input.serverId !== undefined && input.serverId !== room.serverId) room.server = await this.serverFor(input.serverId, tx);
      if (input.slug !== undefined && input.slug !== room.slug) await this.checkSlugFree(input.slug, tx);
      const after = {
        name: input.name ?? room.name,
        slug: input.slug ?? room.slug,
        serverId: input.serverId ?? room.serverId,
        enabled: input.enabled ?? room.enabled,
        access: input.access ? storedEntries(input.access) : room.access,
      };
      const changed = (Object.keys(after) as (keyof typeof after)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
      if (!changed.length) return room;
      const server = room.server;
      Object.assign(room, after, { updatedById: actor.id });
      delete room.server;
      const saved = await this.store.save(room, tx);
      const was = entryKeys(before.access);
      const now = entryKeys(after.access);
      await this.audit.record(
        {
          action: 'room.updated',
          actor,
          ip: actor.ip,
          subject: { type: 'permanent_room', id },
          metadata: {
            changed,
            slug: saved.slug,
            ...(changed.includes('access')
              ? { accessAdded: [...now].filter((key) => !was.has(key)), accessRemoved: [...was].filter((key) => !now.has(key)) }
              : {}),
            ...(changed.includes('enabled') ? { enabled: saved.enabled } : {}),
            ...(changed.includes('serverId') ? { serverId: saved.serverId } : {}),
          },
        },
        tx,
      );
      saved.server = server;
      return saved;
    });
  }

  /** Deletes the room for good (the audit log keeps what it was); `version` guards a stale delete. */
  async remove(id: string, actor: RoomActor, version?: number): Promise<void> {
    await this.transactions.run(async (tx) => {
      const room = await this.load(id, tx, true);
      if (version !== undefined && room.version !== version) throw new RoomVersionConflict(version, room.version);
      await this.store.remove(id, tx);
      await this.audit.record(
        {
          action: 'room.deleted',
          actor,
          ip: actor.ip,
          subject: { type: 'permanent_room', id },
          metadata: { name: room.name, slug: room.slug, roomName: room.roomName, serverId: room.serverId, access: room.access.map(formatAccessEntry) },
        },
        tx,
      );
    });
  }

  /**
   * What the list gives this person in this room: moderator wins over member; no matching
   * entry, a disabled room or a disabled server → refused.
   */
  accessFor(room: PermanentRoom, user: Pick<User, 'email' | 'emailVerified' | 'idpRoles'>): RoomAccess {
    if (!room.enabled) return { allowed: false, reason: 'room_disabled' };
    if (!room.server?.enabled) return { allowed: false, reason: 'server_disabled' };
    const affiliation = affiliationFor(room.access, user);
    if (affiliation) return { allowed: true, affiliation };
    const email = user.email.toLowerCase();
    const listedButUnverified = !user.emailVerified && room.access.some((entry) => entry.kind === 'user' && entry.value === email);
    return { allowed: false, reason: listedButUnverified ? 'unverified' : 'not_listed' };
  }

  /** "My rooms": the open rooms this person may enter, with the affiliation they would get. */
  async roomsFor(user: Pick<User, 'email' | 'emailVerified' | 'idpRoles'>): Promise<{ room: PermanentRoom; affiliation: RoomAffiliation }[]> {
    // Narrowed in SQL to the rooms that list one of their groups or their (verified) email; the
    // access list decides, and a disabled server refuses (accessFor).
    const listed = await this.store.enabledListing([
      ...user.idpRoles.map((group) => ({ kind: 'group' as const, value: group.toLowerCase() })),
      ...(user.emailVerified ? [{ kind: 'user' as const, value: user.email.toLowerCase() }] : []),
    ]);
    const rooms = await this.withServers(listed);
    return rooms.flatMap((room) => {
      const access = this.accessFor(room, user);
      return access.allowed ? [{ room, affiliation: access.affiliation }] : [];
    });
  }

  /** `/r/<slug>` for a signed-in person: a token for the Jitsi room if the list names them. */
  async join(slug: string, user: User, ip: string | null): Promise<RoomJoinDecision> {
    const wanted = slug.toLowerCase();
    if (wanted.length > 60 || !SLUG_PATTERN.test(wanted)) return { outcome: 'not_found' };
    const found = await this.store.findBySlug(wanted);
    const room = found && (await this.withServer(found));
    if (!room?.server) return { outcome: 'not_found' };
    const access = this.accessFor(room, user);
    const actor = { id: user.id, label: user.email };
    if (!access.allowed) {
      await this.audit.record({
        action: 'room.join_refused',
        actor,
        ip,
        subject: { type: 'permanent_room', id: room.id },
        metadata: { reason: access.reason, slug: room.slug },
      });
      return { outcome: 'refused', reason: access.reason, room, signedInEmail: user.email };
    }
    const server = room.server;
    const now = this.clock.now();
    const policy = await this.policy.current();
    const maxTtlSeconds = policy.tokenMaxTtlMinutes * 60;
    const minted = await mintRoomToken({
      server,
      signingKey: await this.servers.signingKey(server),
      room: room.roomName,
      user: { id: user.id, name: user.displayName, email: user.email, avatarUrl: user.avatarUrl },
      affiliation: access.affiliation,
      // No schedule: the maximum token lifetime is the only bound.
      window: { notAfter: new Date(now.getTime() + maxTtlSeconds * 1000) },
      now,
      maxTtlSeconds,
      // No organizer to narrow them: the policy's defaults for the role.
      features: featuresFor(policy.participantFeatures, access.affiliation),
    });
    await this.audit.record({
      action: 'token.issued',
      actor,
      ip,
      subject: { type: 'permanent_room', id: room.id },
      metadata: { affiliation: access.affiliation, room: room.roomName, slug: room.slug, exp: minted.expiresAt.toISOString() },
    });
    const displayName = encodeURIComponent(JSON.stringify(user.displayName));
    return {
      outcome: 'join',
      room,
      affiliation: access.affiliation,
      expiresAt: minted.expiresAt,
      url: `${server.baseUrl}/${room.roomName}?jwt=${minted.token}#userInfo.displayName=${displayName}`,
    };
  }

  /** The room with its server; `lock` keeps the room's row locked until `tx` ends. */
  private async load(id: string, tx?: Tx, lock = false): Promise<PermanentRoom> {
    const room = isUUID(id) ? await this.store.find(id, tx, lock) : null;
    if (!room) throw new RoomNotFound(id);
    return this.withServer(room, tx);
  }

  private async withServer(room: PermanentRoom, tx?: Tx): Promise<PermanentRoom> {
    room.server = (await this.servers.find(room.serverId, tx)) ?? undefined;
    return room;
  }

  /** The rooms with their servers (there are few servers: one read of them all). */
  private async withServers(rooms: PermanentRoom[]): Promise<PermanentRoom[]> {
    if (!rooms.length) return rooms;
    const servers = new Map((await this.servers.list()).map((server) => [server.id, server]));
    for (const room of rooms) room.server = servers.get(room.serverId);
    return rooms;
  }

  private async serverFor(serverId: string, tx: Tx): Promise<JitsiServer> {
    const server = await this.servers.find(serverId, tx);
    if (!server) throw roomFieldError('serverId', 'there is no Jitsi server with this id');
    return server;
  }

  private async checkSlugFree(slug: string, tx: Tx): Promise<void> {
    if (await this.store.slugTaken(slug, tx)) throw new RoomSlugTaken(slug);
  }
}
