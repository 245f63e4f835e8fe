import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { AuditService, type Actor } from '@moderato/audit';
import { PolicyService } from '@moderato/policy';
import { AppConfig } from '@moderato/config';
import { Clock, InvalidInputError } from '@moderato/core';
import type { User } from '@moderato/identity';
import { JitsiServer, JitsiServersService, mintRoomToken } from '@moderato/jitsi';
import { roomNameFor } from '@moderato/meetings';
import { SLUG_PATTERN, affiliationFor, formatAccessEntry, normaliseAccessValue, slugOf, type AccessEntry, type RoomAffiliation } from './access-list';
import type { CreateRoomDto, UpdateRoomDto } from './dto/room.dto';
import { PermanentRoom } from './permanent-room.entity';
import { RoomNotFound, RoomSlugTaken, RoomVersionConflict, roomFieldError } from './rooms.errors';

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

const isUniqueViolation = (error: unknown) => error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly servers: JitsiServersService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  list(): Promise<PermanentRoom[]> {
    return this.dataSource.getRepository(PermanentRoom).find({ relations: { server: true }, order: { name: 'ASC', slug: 'ASC' } });
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<PermanentRoom> {
    const room = isUUID(id)
      ? await manager.getRepository(PermanentRoom).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) })
      : null;
    if (!room) throw new RoomNotFound(id);
    room.server = (await manager.getRepository(JitsiServer).findOneBy({ id: room.serverId })) ?? undefined;
    return room;
  }

  async create(input: CreateRoomDto, actor: RoomActor): Promise<PermanentRoom> {
    const slug = input.slug ?? slugOf(input.name);
    if (!slug) throw roomFieldError('slug', 'the name has no letters or digits to make an address from: enter a slug, e.g. staff-room');
    try {
      return await this.dataSource.transaction(async (manager) => {
        const server = await this.serverFor(manager, input.serverId);
        await this.checkSlugFree(manager, slug);
        const repository = manager.getRepository(PermanentRoom);
        const room = await repository.save(
          repository.create({
            name: input.name,
            slug,
            serverId: server.id,
            roomName: roomNameFor(slug),
            access: storedEntries(input.access ?? []),
            enabled: input.enabled ?? true,
            createdById: actor.id,
            updatedById: actor.id,
          }),
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
          manager,
        );
        room.server = server;
        return room;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new RoomSlugTaken(slug);
      throw error;
    }
  }

  async update(id: string, input: UpdateRoomDto, actor: RoomActor): Promise<PermanentRoom> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const room = await this.get(id, manager, true);
        if (input.version === undefined)
          throw new InvalidInputError([{ field: 'version', messages: ['version (or If-Match) is required: the room version you edited'] }]);
        if (room.version !== input.version) throw new RoomVersionConflict(input.version, room.version);
        const before = { name: room.name, slug: room.slug, serverId: room.serverId, enabled: room.enabled, access: room.access };
        if (input.serverId !== undefined && input.serverId !== room.serverId) room.server = await this.serverFor(manager, input.serverId);
        if (input.slug !== undefined && input.slug !== room.slug) await this.checkSlugFree(manager, input.slug);
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
        const saved = await manager.getRepository(PermanentRoom).save(room);
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
          manager,
        );
        saved.server = server;
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new RoomSlugTaken(input.slug ?? '');
      throw error;
    }
  }

  /** Deletes the room for good (the audit log keeps what it was); `version` guards a stale delete. */
  async remove(id: string, actor: RoomActor, version?: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const room = await this.get(id, manager, true);
      if (version !== undefined && room.version !== version) throw new RoomVersionConflict(version, room.version);
      await manager.getRepository(PermanentRoom).delete({ id });
      await this.audit.record(
        {
          action: 'room.deleted',
          actor,
          ip: actor.ip,
          subject: { type: 'permanent_room', id },
          metadata: { name: room.name, slug: room.slug, roomName: room.roomName, serverId: room.serverId, access: room.access.map(formatAccessEntry) },
        },
        manager,
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
    // Narrow in SQL with jsonb containment (an element with this kind and value), decide in code.
    const candidates = [
      ...user.idpRoles.map((group) => JSON.stringify([{ kind: 'group', value: group.toLowerCase() }])),
      ...(user.emailVerified ? [JSON.stringify([{ kind: 'user', value: user.email.toLowerCase() }])] : []),
    ];
    if (!candidates.length) return [];
    const rooms = await this.dataSource
      .getRepository(PermanentRoom)
      .createQueryBuilder('room')
      .innerJoinAndSelect('room.server', 'server')
      .where('room.enabled AND server.enabled')
      .andWhere('room.access @> ANY(CAST(:candidates AS jsonb[]))', { candidates })
      .orderBy('room.name', 'ASC')
      .getMany();
    return rooms.flatMap((room) => {
      const access = this.accessFor(room, user);
      return access.allowed ? [{ room, affiliation: access.affiliation }] : [];
    });
  }

  /** `/r/<slug>` for a signed-in person: a token for the Jitsi room if the list names them. */
  async join(slug: string, user: User, ip: string | null): Promise<RoomJoinDecision> {
    const wanted = slug.toLowerCase();
    if (wanted.length > 60 || !SLUG_PATTERN.test(wanted)) return { outcome: 'not_found' };
    const room = await this.dataSource.getRepository(PermanentRoom).findOne({ where: { slug: wanted }, relations: { server: true } });
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
    const maxTtlSeconds = (await this.policy.current()).tokenMaxTtlMinutes * 60;
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

  private async serverFor(manager: EntityManager, serverId: string): Promise<JitsiServer> {
    const server = isUUID(serverId) ? await manager.getRepository(JitsiServer).findOneBy({ id: serverId }) : null;
    if (!server) throw roomFieldError('serverId', 'there is no Jitsi server with this id');
    return server;
  }

  private async checkSlugFree(manager: EntityManager, slug: string): Promise<void> {
    if (await manager.getRepository(PermanentRoom).existsBy({ slug })) throw new RoomSlugTaken(slug);
  }
}
