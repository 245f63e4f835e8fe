import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deleted organizer's upcoming meetings are cancelled, not deleted, so their invitees get the
 * cancellation mail: such a meeting stays without an organizer (null) until retention deletes it.
 */
export class MeetingsOrganizerDetachable1796540000000 implements MigrationInterface {
    name = 'MeetingsOrganizerDetachable1796540000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "meetings" DROP CONSTRAINT "fk_meetings_organizer"`);
        await queryRunner.query(`ALTER TABLE "meetings" ALTER COLUMN "organizer_id" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "meetings" ADD CONSTRAINT "fk_meetings_organizer" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DELETE FROM "meetings" WHERE "organizer_id" IS NULL`);
        await queryRunner.query(`ALTER TABLE "meetings" DROP CONSTRAINT "fk_meetings_organizer"`);
        await queryRunner.query(`ALTER TABLE "meetings" ALTER COLUMN "organizer_id" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "meetings" ADD CONSTRAINT "fk_meetings_organizer" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }
}
