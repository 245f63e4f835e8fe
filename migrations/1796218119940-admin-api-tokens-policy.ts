import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminApiTokensPolicy1796218119940 implements MigrationInterface {
    name = 'AdminApiTokensPolicy1796218119940';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "api_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "name" text NOT NULL, "token_hash" character(64) NOT NULL, "prefix" text NOT NULL, "scopes" text array NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_used_at" TIMESTAMP WITH TIME ZONE, "last_used_ip" text, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_tokens_token_hash" ON "api_tokens"  ("token_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_api_tokens_user" ON "api_tokens"  ("user_id") `);
        await queryRunner.query(`CREATE TABLE "role_grants" ("email" text NOT NULL, "overrides" jsonb NOT NULL, "created_by_label" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_747ac06f063d64237086b850877" PRIMARY KEY ("email"))`);
        await queryRunner.query(`CREATE TABLE "org_settings" ("id" smallint NOT NULL DEFAULT '1', "values" jsonb NOT NULL DEFAULT '{}', "updated_by_label" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_org_settings_single_row" CHECK ("id" = 1), CONSTRAINT "PK_3726dc3a3dfdcd4f0d95b330789" PRIMARY KEY ("id"))`);
        await queryRunner.query(`ALTER TABLE "api_tokens" ADD CONSTRAINT "fk_api_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "fk_api_tokens_user"`);
        await queryRunner.query(`DROP TABLE "org_settings"`);
        await queryRunner.query(`DROP TABLE "role_grants"`);
        await queryRunner.query(`DROP INDEX "public"."ix_api_tokens_user"`);
        await queryRunner.query(`DROP INDEX "public"."uq_api_tokens_token_hash"`);
        await queryRunner.query(`DROP TABLE "api_tokens"`);
    }
}
