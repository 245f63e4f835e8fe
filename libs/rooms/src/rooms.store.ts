import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type DeepPartial } from 'typeorm';
import { managerOf, type Tx, isUniqueViolation } from '@moderato/database';
import type { PresenceRoomDirectory, PrivacyRoomAccess } from '@moderato/meetings';
import type { AccessKind } from './access-list';
import { PermanentRoom } from './permanent-room.entity';
import { RoomSlugTaken } from './rooms.errors';

/**
 * The permanent rooms (`permanent_rooms`), their access lists with them (a jsonb column). Rooms
 * come without their server: it belongs to the jitsi lib, RoomsService adds it.
 */
@Injectable()
export class RoomsStore implements PrivacyRoomAccess, PresenceRoomDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<PermanentRoom[]> {
    return this.dataSource.getRepository(PermanentRoom).find({ order: { name: 'ASC', slug: 'ASC' } });
  }

  /** `id` must be a UUID. With `lock`, the row stays locked until `tx` ends. */
  find(id: string, tx?: Tx, lock = false): Promise<PermanentRoom | null> {
    return managerOf(tx, this.dataSource)
      .getRepository(PermanentRoom)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  findBySlug(slug: string): Promise<PermanentRoom | null> {
    return this.dataSource.getRepository(PermanentRoom).findOneBy({ slug });
  }

  slugTaken(slug: string, tx: Tx): Promise<boolean> {
    return managerOf(tx, this.dataSource).getRepository(PermanentRoom).existsBy({ slug });
  }

  /**
   * The enabled rooms whose access list has an entry of one of these kinds and values, by name.
   * Narrowed with jsonb containment (an element with this kind and value); who gets what is decided in code.
   */
  async enabledListing(entries: { kind: AccessKind; value: string }[]): Promise<PermanentRoom[]> {
    if (!entries.length) return [];
    const candidates = entries.map((entry) => JSON.stringify([entry]));
    return this.dataSource
      .getRepository(PermanentRoom)
      .createQueryBuilder('room')
      .where('room.enabled')
      .andWhere('room.access @> ANY(CAST(:candidates AS jsonb[]))', { candidates })
      .orderBy('room.name', 'ASC')
      .getMany();
  }

  /** A new room; a slug in use is RoomSlugTaken. */
  async insert(fields: DeepPartial<PermanentRoom>, tx: Tx): Promise<PermanentRoom> {
    const repository = managerOf(tx, this.dataSource).getRepository(PermanentRoom);
    try {
      return await repository.save(repository.create(fields));
    } catch (error) {
      throw isUniqueViolation(error) ? new RoomSlugTaken(String(fields.slug)) : error;
    }
  }

  /** Saves a changed room (without its server); a slug in use is RoomSlugTaken. */
  async save(room: PermanentRoom, tx: Tx): Promise<PermanentRoom> {
    try {
      return await managerOf(tx, this.dataSource).getRepository(PermanentRoom).save(room);
    } catch (error) {
      throw isUniqueViolation(error) ? new RoomSlugTaken(room.slug) : error;
    }
  }

  /** Person deletion (meetings' PRIVACY_ROOM_ACCESS): their `user` entries leave every access list; returns how many rooms changed. */
  async removeUser(email: string, tx: Tx): Promise<number> {
    const value = email.toLowerCase();
    const result = await managerOf(tx, this.dataSource)
      .createQueryBuilder()
      .update(PermanentRoom)
      .set({
        access: () =>
          `(SELECT coalesce(jsonb_agg(entry ORDER BY position), '[]'::jsonb) FROM jsonb_array_elements(access) WITH ORDINALITY AS t(entry, position) WHERE NOT (entry->>'kind' = 'user' AND entry->>'value' = :value))`,
      })
      .where(`access @> jsonb_build_array(jsonb_build_object('kind', 'user', 'value', CAST(:value AS text)))`, { value })
      .execute();
    return result.affected ?? 0;
  }

  /** Presence events (meetings' PRESENCE_ROOM_DIRECTORY): whether a permanent room of this server uses this Jitsi room name. */
  async hasRoom(serverId: string, roomName: string): Promise<boolean> {
    return this.dataSource.getRepository(PermanentRoom).exists({ where: { serverId, roomName } });
  }

  async remove(id: string, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(PermanentRoom).delete({ id });
  }
}
