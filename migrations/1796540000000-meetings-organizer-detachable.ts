import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deleted organizer's upcoming meetings are cancelled, not deleted, so their invitees get the
 * cancellation mail: such a meeting stays without an organizer (null) until retention deletes it.
 * The foreign key stays ON DELETE RESTRICT: only the person deletion, which cancels and detaches
 * the meetings first, may remove an organizer; a bare DELETE of one is still refused.
 */
export class MeetingsOrganizerDetachable1796540000000 implements MigrationInterface {
    name = 'MeetingsOrganizerDetachable1796540000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "meetings" ALTER COLUMN "organizer_id" DROP NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DELETE FROM "meetings" WHERE "organizer_id" IS NULL`);
        await queryRunner.query(`ALTER TABLE "meetings" ALTER COLUMN "organizer_id" SET NOT NULL`);
    }
}
