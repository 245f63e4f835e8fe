import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a person's time zone came from: the IdP's `zoneinfo` claim (`idp`), the browser on the
 * first visit (`browser`) or the person's own choice on the Settings page (`chosen`). A chosen zone
 * is never replaced at the next sign-in; null (no zone yet) means the organisation's default.
 */
export class UserTimezoneSource1796600000000 implements MigrationInterface {
    name = 'UserTimezoneSource1796600000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "users" ADD "timezone_source" text`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "timezone_source"`);
    }
}
