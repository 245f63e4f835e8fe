import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JitsiSigningKeys1795871419729 implements MigrationInterface {
    name = 'JitsiSigningKeys1795871419729';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "jitsi_signing_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "server_id" uuid NOT NULL, "kid" text NOT NULL, "kid_hash" character(64) NOT NULL, "public_key_pem" text NOT NULL, "private_key_encrypted" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_1ee256cda961427bf2b4a2c60de" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_jitsi_signing_keys_kid" ON "jitsi_signing_keys"  ("kid") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_jitsi_signing_keys_kid_hash" ON "jitsi_signing_keys"  ("kid_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_jitsi_signing_keys_server" ON "jitsi_signing_keys"  ("server_id", "created_at") `);
        await queryRunner.query(`ALTER TABLE "jitsi_signing_keys" ADD CONSTRAINT "fk_jitsi_signing_keys_server" FOREIGN KEY ("server_id") REFERENCES "jitsi_servers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "jitsi_signing_keys" DROP CONSTRAINT "fk_jitsi_signing_keys_server"`);
        await queryRunner.query(`DROP INDEX "public"."ix_jitsi_signing_keys_server"`);
        await queryRunner.query(`DROP INDEX "public"."uq_jitsi_signing_keys_kid_hash"`);
        await queryRunner.query(`DROP INDEX "public"."uq_jitsi_signing_keys_kid"`);
        await queryRunner.query(`DROP TABLE "jitsi_signing_keys"`);
    }
}
