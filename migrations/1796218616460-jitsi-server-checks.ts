import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JitsiServerChecks1796218616460 implements MigrationInterface {
    name = 'JitsiServerChecks1796218616460';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "jitsi_server_checks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "server_id" uuid NOT NULL, "room" text NOT NULL, "other_room" text NOT NULL, "settings_fingerprint" character(64) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_by_id" uuid, "started_by_label" text, "status" character varying(16) NOT NULL DEFAULT 'pending', "outcomes" jsonb, "note" text, "recorded_at" TIMESTAMP WITH TIME ZONE, "recorded_by_id" uuid, "recorded_by_label" text, CONSTRAINT "ck_jitsi_server_checks_status" CHECK ("status" IN ('pending', 'verified', 'problems')), CONSTRAINT "PK_34e7d3cd378f77c6711472e482e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_jitsi_server_checks_server" ON "jitsi_server_checks"  ("server_id", "started_at") `);
        await queryRunner.query(`ALTER TABLE "jitsi_server_checks" ADD CONSTRAINT "fk_jitsi_server_checks_server" FOREIGN KEY ("server_id") REFERENCES "jitsi_servers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "jitsi_server_checks" DROP CONSTRAINT "fk_jitsi_server_checks_server"`);
        await queryRunner.query(`DROP INDEX "public"."ix_jitsi_server_checks_server"`);
        await queryRunner.query(`DROP TABLE "jitsi_server_checks"`);
    }
}
