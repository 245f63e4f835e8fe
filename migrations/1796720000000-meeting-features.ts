import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a meeting's participants may do beyond or short of the organisation's defaults (issue 21 §5):
 * `{"screen-sharing": false}`, minted into their tokens as context.features. Empty: the defaults.
 * The defaults themselves live in org_settings.values (participantFeatures), which needs no column.
 */
export class MeetingFeatures1796720000000 implements MigrationInterface {
    name = 'MeetingFeatures1796720000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "meetings" ADD "features" jsonb NOT NULL DEFAULT '{}'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "meetings" DROP COLUMN "features"`);
    }
}
