import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * End the meeting for everyone: the system key pair (Prosody's prosody_password_public_key_repo_url,
 * distinct from the login keys), the Prosody HTTP base URL of a server, and the ends per occurrence.
 */
export class EndMeeting1796710000000 implements MigrationInterface {
    name = 'EndMeeting1796710000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "jitsi_system_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kid" text NOT NULL, "kid_hash" character(64) NOT NULL, "public_key_pem" text NOT NULL, "private_key_encrypted" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_jitsi_system_keys" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_jitsi_system_keys_kid" ON "jitsi_system_keys" ("kid") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_jitsi_system_keys_kid_hash" ON "jitsi_system_keys" ("kid_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_jitsi_system_keys_created" ON "jitsi_system_keys" ("created_at") `);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" ADD "prosody_http_url" text`);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" ADD "muc_domain" text`);
        await queryRunner.query(`CREATE TABLE "meeting_ends" ("meeting_id" uuid NOT NULL, "occurrence" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_by_id" uuid, "ended_by_name" text NOT NULL, "automatic" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_meeting_ends" PRIMARY KEY ("meeting_id", "occurrence"))`);
        await queryRunner.query(`ALTER TABLE "meeting_ends" ADD CONSTRAINT "fk_meeting_ends_meeting" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "meeting_ends" ADD CONSTRAINT "fk_meeting_ends_ended_by" FOREIGN KEY ("ended_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "meeting_ends" DROP CONSTRAINT "fk_meeting_ends_ended_by"`);
        await queryRunner.query(`ALTER TABLE "meeting_ends" DROP CONSTRAINT "fk_meeting_ends_meeting"`);
        await queryRunner.query(`DROP TABLE "meeting_ends"`);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" DROP COLUMN "muc_domain"`);
        await queryRunner.query(`ALTER TABLE "jitsi_servers" DROP COLUMN "prosody_http_url"`);
        await queryRunner.query(`DROP INDEX "public"."ix_jitsi_system_keys_created"`);
        await queryRunner.query(`DROP INDEX "public"."uq_jitsi_system_keys_kid_hash"`);
        await queryRunner.query(`DROP INDEX "public"."uq_jitsi_system_keys_kid"`);
        await queryRunner.query(`DROP TABLE "jitsi_system_keys"`);
    }
}
