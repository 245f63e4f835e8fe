import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JitsiServerLobbyBypass1795875167537 implements MigrationInterface {
    name = 'JitsiServerLobbyBypass1795875167537';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "jitsi_servers" ADD "lobby_bypass" boolean NOT NULL DEFAULT false`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "jitsi_servers" DROP COLUMN "lobby_bypass"`);
    }
}
