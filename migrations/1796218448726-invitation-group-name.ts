import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InvitationGroupName1796218448726 implements MigrationInterface {
    name = 'InvitationGroupName1796218448726';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "invitations" ADD "group_name" text`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "invitations" DROP COLUMN "group_name"`);
    }
}
