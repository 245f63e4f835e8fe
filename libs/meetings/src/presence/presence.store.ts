import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import type { PresenceLeftBy } from './presence-interval.entity';
import type { PresenceOccupant } from './presence-payload';

/** One row of presence_intervals as attendance and the live view read it. */
export interface PresenceRow {
  breakoutRoom: string;
  occupantJid: string;
  userId: string | null;
  name: string;
  email: string;
  joinedAt: Date;
  leftAt: Date | null;
}

const COLUMNS = `"server_id", "room_name", "breakout_room", "occupant_jid", "user_id", "name", "email", "joined_at", "left_at", "left_by"`;

/**
 * On a second event for the same connection (a retry, a duplicate, `left` before `joined`): the
 * occupant's own `left` wins over a time the room's end filled in; details fill in only when empty.
 */
const MERGE = `ON CONFLICT ON CONSTRAINT "uq_presence_intervals_connection" DO UPDATE SET
  "user_id" = COALESCE(p."user_id", EXCLUDED."user_id"),
  "name" = CASE WHEN p."name" = '' THEN EXCLUDED."name" ELSE p."name" END,
  "email" = CASE WHEN p."email" = '' THEN EXCLUDED."email" ELSE p."email" END,
  "left_at" = CASE WHEN p."left_by" = 'left' THEN p."left_at" WHEN EXCLUDED."left_by" = 'left' THEN EXCLUDED."left_at" WHEN p."left_by" IS NOT NULL THEN p."left_at" ELSE EXCLUDED."left_at" END,
  "left_by" = CASE WHEN p."left_by" = 'left' OR EXCLUDED."left_by" = 'left' THEN 'left' ELSE COALESCE(p."left_by", EXCLUDED."left_by") END`;

const SELECT = `SELECT "breakout_room" AS "breakoutRoom", "occupant_jid" AS "occupantJid", "user_id" AS "userId", "name", "email", "joined_at" AS "joinedAt", "left_at" AS "leftAt" FROM "presence_intervals"`;

/** presence_intervals: one statement per event, whatever the event. */
@Injectable()
export class PresenceStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * An occupant joined (leftBy null) or left: one upsert. A join also closes, at its own time, an
   * older connection of the same JID in the same room that never said it left (a lost event).
   */
  async recordOccupant(serverId: string, roomName: string, breakoutRoom: string, occupant: PresenceOccupant, leftBy: PresenceLeftBy | null): Promise<void> {
    const joinedAt = occupant.joinedAt ?? occupant.leftAt;
    const values = [serverId, roomName, breakoutRoom, occupant.occupantJid, occupant.userId, occupant.name, occupant.email, joinedAt, occupant.leftAt, leftBy];
    if (leftBy) {
      await this.dataSource.query(`INSERT INTO "presence_intervals" AS p (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ${MERGE}`, values);
      return;
    }
    await this.dataSource.query(
      `WITH "stale" AS (
         UPDATE "presence_intervals" SET "left_at" = $8, "left_by" = 'destroyed'
         WHERE "server_id" = $1 AND "room_name" = $2 AND "occupant_jid" = $4 AND "left_at" IS NULL AND "joined_at" < $8 AND "breakout_room" = $3
       )
       INSERT INTO "presence_intervals" AS p (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ${MERGE}`,
      values,
    );
  }

  /**
   * A room ended: its occupants as the event lists them (those without left_at leave now), and
   * every connection still open in it closed at `destroyedAt`; the main room's end closes its
   * breakout rooms too. One statement.
   */
  async recordDestroyed(serverId: string, roomName: string, breakoutRoom: string, destroyedAt: Date, occupants: PresenceOccupant[]): Promise<void> {
    const unique = new Map<string, PresenceOccupant>();
    for (const occupant of occupants) unique.set(`${occupant.occupantJid} ${occupant.joinedAt?.getTime()}`, occupant);
    const list = [...unique.values()];
    const left = list.map((o) => o.leftAt ?? destroyedAt);
    await this.dataSource.query(
      `WITH "listed" AS (
         INSERT INTO "presence_intervals" AS p (${COLUMNS})
         SELECT $1, $2, $3, t.jid, t.uid, t.name, t.email, t.joined, t.left_at, CASE WHEN t.by_self THEN 'left' ELSE 'destroyed' END
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::boolean[]) AS t(jid, uid, name, email, joined, left_at, by_self)
         ${MERGE}
         RETURNING p."id"
       )
       UPDATE "presence_intervals" SET "left_at" = $11, "left_by" = 'destroyed'
       WHERE "server_id" = $1 AND "room_name" = $2 AND ($3 = '' OR "breakout_room" = $3) AND "left_at" IS NULL AND "joined_at" <= $11
         AND "id" NOT IN (SELECT "id" FROM "listed")`,
      [
        serverId,
        roomName,
        breakoutRoom,
        list.map((o) => o.occupantJid),
        list.map((o) => o.userId),
        list.map((o) => o.name),
        list.map((o) => o.email),
        list.map((o) => o.joinedAt),
        left,
        list.map((o) => o.leftAt !== null),
        destroyedAt,
      ],
    );
  }

  /** The connections of a room that began in [from, to). */
  async between(serverId: string, roomName: string, from: Date, to: Date): Promise<PresenceRow[]> {
    return this.dataSource.query(`${SELECT} WHERE "server_id" = $1 AND "room_name" = $2 AND "joined_at" >= $3 AND "joined_at" < $4 ORDER BY "joined_at"`, [
      serverId,
      roomName.toLowerCase(),
      from,
      to,
    ]);
  }

  /** Who is in these rooms now: open connections that began after `since` (older ones lost their events). */
  async open(rooms: { serverId: string; roomName: string }[], since: Date): Promise<(PresenceRow & { serverId: string; roomName: string })[]> {
    if (!rooms.length) return [];
    return this.dataSource.query(
      `SELECT "server_id" AS "serverId", "room_name" AS "roomName", "breakout_room" AS "breakoutRoom", "occupant_jid" AS "occupantJid", "user_id" AS "userId", "name", "email", "joined_at" AS "joinedAt", "left_at" AS "leftAt"
       FROM "presence_intervals" JOIN unnest($1::uuid[], $2::text[]) AS r(sid, rn) ON "server_id" = r.sid AND "room_name" = r.rn
       WHERE "left_at" IS NULL AND "joined_at" >= $3 ORDER BY "joined_at"`,
      [rooms.map((r) => r.serverId), rooms.map((r) => r.roomName.toLowerCase()), since],
    );
  }

  /** Every open connection that began after `since`, on every server. */
  async openEverywhere(since: Date): Promise<(PresenceRow & { serverId: string; roomName: string })[]> {
    return this.dataSource.query(
      `SELECT "server_id" AS "serverId", "room_name" AS "roomName", "breakout_room" AS "breakoutRoom", "occupant_jid" AS "occupantJid", "user_id" AS "userId", "name", "email", "joined_at" AS "joinedAt", "left_at" AS "leftAt"
       FROM "presence_intervals" WHERE "left_at" IS NULL AND "joined_at" >= $1 ORDER BY "joined_at" LIMIT 5000`,
      [since],
    );
  }

  /** The meetings held in these rooms (server and lower-case room name): id and title. */
  async meetingsIn(rooms: { serverId: string; roomName: string }[]): Promise<{ id: string; title: string; serverId: string; roomName: string }[]> {
    if (!rooms.length) return [];
    return this.dataSource.query(
      `SELECT m."id", m."title", m."server_id" AS "serverId", lower(m."room_name") AS "roomName"
       FROM "meetings" m JOIN unnest($1::uuid[], $2::text[]) AS r(sid, rn) ON m."server_id" = r.sid AND lower(m."room_name") = r.rn`,
      [rooms.map((r) => r.serverId), rooms.map((r) => r.roomName)],
    );
  }

  /** Whether a meeting of this server is held in this room (room names are lower-case: roomNameFor). */
  async meetingRoomExists(serverId: string, roomName: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM "meetings" WHERE "server_id" = $1 AND "room_name" = $2 LIMIT 1', [serverId, roomName]);
    return rows.length > 0;
  }

  /** Whether any event ever arrived from this server (then "Joined" means presence, not "link used"). */
  async serverReports(serverId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM "presence_intervals" WHERE "server_id" = $1 LIMIT 1', [serverId]);
    return rows.length > 0;
  }

  /** A person's connections (by Moderato user id, or the email their token carried): their export. */
  async ofPerson(person: { id: string; email: string }): Promise<(PresenceRow & { serverId: string; roomName: string })[]> {
    return this.dataSource.query(
      `SELECT "server_id" AS "serverId", "room_name" AS "roomName", "breakout_room" AS "breakoutRoom", "occupant_jid" AS "occupantJid", "user_id" AS "userId", "name", "email", "joined_at" AS "joinedAt", "left_at" AS "leftAt"
       FROM "presence_intervals" WHERE "user_id" = $1 OR "email" = $2 ORDER BY "joined_at"`,
      [person.id, person.email.toLowerCase()],
    );
  }

  /** Deleting a person: their connections go too. */
  async deleteOfPerson(person: { id: string; email: string }, tx: Tx): Promise<number> {
    const [, affected] = await managerOf(tx, this.dataSource).query('DELETE FROM "presence_intervals" WHERE "user_id" = $1 OR "email" = $2', [
      person.id,
      person.email.toLowerCase(),
    ]);
    return Number(affected) || 0;
  }

  /** Retention: connections that began before `cutoff`. */
  async deleteBefore(cutoff: Date, tx: Tx): Promise<number> {
    const [, affected] = await managerOf(tx, this.dataSource).query('DELETE FROM "presence_intervals" WHERE "joined_at" < $1', [cutoff]);
    return Number(affected) || 0;
  }
}
