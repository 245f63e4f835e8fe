import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail survives an SMTP outage: a temporary failure leaves the outbox row `retrying` (with the
 * next attempt in not_before, the first failure in failing_since, the latest in last_attempt_at)
 * and the relay enqueues it again when due; its invitation shows `retrying` instead of `failed`.
 */
export class MailRetry1796400000000 implements MigrationInterface {
    name = 'MailRetry1796400000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "outbox_messages" ADD "failing_since" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" ADD "last_attempt_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" DROP CONSTRAINT "ck_outbox_messages_status"`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" ADD CONSTRAINT "ck_outbox_messages_status" CHECK ("status" IN ('pending', 'queued', 'retrying', 'sent', 'failed'))`);
        await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "ck_invitations_status"`);
        await queryRunner.query(`ALTER TABLE "invitations" ADD CONSTRAINT "ck_invitations_status" CHECK ("status" IN ('pending', 'sent', 'retrying', 'failed', 'revoked'))`);
        await queryRunner.query(`DROP INDEX "public"."ix_outbox_messages_due"`);
        await queryRunner.query(`CREATE INDEX "ix_outbox_messages_due" ON "outbox_messages" ("not_before") WHERE "status" IN ('pending', 'retrying')`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_outbox_messages_due"`);
        await queryRunner.query(`UPDATE "outbox_messages" SET "status" = 'pending' WHERE "status" = 'retrying'`);
        await queryRunner.query(`UPDATE "invitations" SET "status" = 'pending' WHERE "status" = 'retrying'`);
        await queryRunner.query(`CREATE INDEX "ix_outbox_messages_due" ON "outbox_messages" ("not_before") WHERE "status" = 'pending'`);
        await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "ck_invitations_status"`);
        await queryRunner.query(`ALTER TABLE "invitations" ADD CONSTRAINT "ck_invitations_status" CHECK ("status" IN ('pending', 'sent', 'failed', 'revoked'))`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" DROP CONSTRAINT "ck_outbox_messages_status"`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" ADD CONSTRAINT "ck_outbox_messages_status" CHECK ("status" IN ('pending', 'queued', 'sent', 'failed'))`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" DROP COLUMN "last_attempt_at"`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" DROP COLUMN "failing_since"`);
    }
}
