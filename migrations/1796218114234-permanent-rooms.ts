import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PermanentRooms1796218114234 implements MigrationInterface {
    name = 'PermanentRooms1796218114234';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "permanent_rooms" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "slug" character varying(60) NOT NULL, "server_id" uuid NOT NULL, "room_name" character varying(128) NOT NULL, "access" jsonb NOT NULL DEFAULT '[]', "enabled" boolean NOT NULL DEFAULT true, "created_by_id" uuid, "updated_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_permanent_rooms_access" CHECK (jsonb_typeof("access") = 'array'), CONSTRAINT "ck_permanent_rooms_room_name" CHECK ("room_name" ~ '^[a-z0-9-]{1,128}$'), CONSTRAINT "ck_permanent_rooms_slug" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length("slug") <= 60), CONSTRAINT "PK_7130aca767794373db241722aad" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_permanent_rooms_slug" ON "permanent_rooms"  ("slug") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_permanent_rooms_room_name" ON "permanent_rooms"  ("room_name") `);
        await queryRunner.query(`ALTER TABLE "permanent_rooms" ADD CONSTRAINT "fk_permanent_rooms_server" FOREIGN KEY ("server_id") REFERENCES "jitsi_servers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "permanent_rooms" ADD CONSTRAINT "fk_permanent_rooms_created_by" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "permanent_rooms" ADD CONSTRAINT "fk_permanent_rooms_updated_by" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "permanent_rooms" DROP CONSTRAINT "fk_permanent_rooms_updated_by"`);
        await queryRunner.query(`ALTER TABLE "permanent_rooms" DROP CONSTRAINT "fk_permanent_rooms_created_by"`);
        await queryRunner.query(`ALTER TABLE "permanent_rooms" DROP CONSTRAINT "fk_permanent_rooms_server"`);
        await queryRunner.query(`DROP INDEX "public"."uq_permanent_rooms_room_name"`);
        await queryRunner.query(`DROP INDEX "public"."uq_permanent_rooms_slug"`);
        await queryRunner.query(`DROP TABLE "permanent_rooms"`);
    }
}
