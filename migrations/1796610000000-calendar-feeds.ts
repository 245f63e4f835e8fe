import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar subscriptions (`GET /calendar/<secret>.ics`): one per person. The secret is derived from
 * SECRETS_KEY and a random salt, like a personal link's code: only the salt and the secret's SHA-256
 * are stored; deleting the person deletes it.
 */
export class CalendarFeeds1796610000000 implements MigrationInterface {
    name = 'CalendarFeeds1796610000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "calendar_feeds" ("user_id" uuid NOT NULL, "salt" character varying(32) NOT NULL, "secret_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_calendar_feeds" PRIMARY KEY ("user_id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_calendar_feeds_secret_hash" ON "calendar_feeds" ("secret_hash") `);
        await queryRunner.query(`ALTER TABLE "calendar_feeds" ADD CONSTRAINT "fk_calendar_feeds_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "calendar_feeds" DROP CONSTRAINT "fk_calendar_feeds_user"`);
        await queryRunner.query(`DROP INDEX "public"."uq_calendar_feeds_secret_hash"`);
        await queryRunner.query(`DROP TABLE "calendar_feeds"`);
    }
}
