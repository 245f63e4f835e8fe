import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-time ids of "New meeting" forms: the same form posted twice creates one meeting. The
 * primary key (organizer, form id) is what a second, concurrent transaction collides with.
 */
export class MeetingFormSubmissions1796404000000 implements MigrationInterface {
    name = 'MeetingFormSubmissions1796404000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "meeting_form_submissions" ("organizer_id" uuid NOT NULL, "form_id" uuid NOT NULL, "meeting_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_meeting_form_submissions" PRIMARY KEY ("organizer_id", "form_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_meeting_form_submissions_meeting" ON "meeting_form_submissions" ("meeting_id") `);
        await queryRunner.query(`ALTER TABLE "meeting_form_submissions" ADD CONSTRAINT "fk_meeting_form_submissions_meeting" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "meeting_form_submissions" DROP CONSTRAINT "fk_meeting_form_submissions_meeting"`);
        await queryRunner.query(`DROP INDEX "public"."ix_meeting_form_submissions_meeting"`);
        await queryRunner.query(`DROP TABLE "meeting_form_submissions"`);
    }
}
