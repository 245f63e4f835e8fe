import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InvitationLinkCodeSalt1795872697898 implements MigrationInterface {
    name = 'InvitationLinkCodeSalt1795872697898';

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Rows from before this migration keep working through their stored hash; their
        // code simply cannot be re-derived for later mails (an empty salt).
        await queryRunner.query(`ALTER TABLE "invitations" ADD "link_code_salt" text NOT NULL DEFAULT ''`);
        await queryRunner.query(`ALTER TABLE "invitations" ALTER COLUMN "link_code_salt" DROP DEFAULT`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "invitations" DROP COLUMN "link_code_salt"`);
    }
}
