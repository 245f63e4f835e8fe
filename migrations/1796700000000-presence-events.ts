import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Presence from Jitsi's event_sync component (issue 21): a per-server events secret (only its
 * SHA-256 is stored) and one row per occupant connection of a room (presence_intervals).
 */
export class PresenceEvents1796700000000 implements MigrationInterface {
    name = 'PresenceEvents1796700000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "presence_intervals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "server_id" uuid NOT NULL, "room_name" character varying(256) NOT NULL, "breakout_room" character varying(256) NOT NULL DEFAULT '', "occupant_jid" character varying(512) NOT NULL, "user_id" text, "name" text NOT NULL DEFAULT '', "email" text NOT NULL DEFAULT '', "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL, "left_at" TIMESTAMP WITH TIME ZONE, "left_by" character varying(16), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_presence_intervals_connection" UNIQUE ("server_id", "room_name", "breakout_room", "occupant_jid", "joined_at"), CONSTRAINT "ck_presence_intervals_left_by" CHECK ("left_by" IS NULL OR "left_by" IN ('left', 'destroyed')), CONSTRAINT "PK_6c4bd93f9709012da05f5f2ecfb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_presence_intervals_joined" ON "presence_intervals"  ("joined_at") `);
        await queryRunner.query(`CREATE INDEX "ix_presence_intervals_open" ON "presence_intervals"  ("server_id", "room_name") WHERE "left_at" IS NULL`);
        await queryRunner.query(`CREATE INDEX "ix_presence_intervals_room" ON "presence_intervals"  ("server_id", "room_name", "joined_at") `);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" ADD "events_secret_hash" character(64)`);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" ADD "events_secret_set_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "presence_intervals" ADD CONSTRAINT "fk_presence_intervals_server" FOREIGN KEY ("server_id") REFERENCES "jitsi_servers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "presence_intervals" DROP CONSTRAINT "fk_presence_intervals_server"`);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" DROP COLUMN "events_secret_set_at"`);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" DROP COLUMN "events_secret_hash"`);
        await queryRunner.query(`DROP INDEX "public"."ix_presence_intervals_room"`);
        await queryRunner.query(`DROP INDEX "public"."ix_presence_intervals_open"`);
        await queryRunner.query(`DROP INDEX "public"."ix_presence_intervals_joined"`);
        await queryRunner.query(`DROP TABLE "presence_intervals"`);
    }
}
