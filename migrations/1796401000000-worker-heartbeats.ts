import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every worker process writes its heartbeat here every few seconds while it can reach PostgreSQL
 * and Redis (apps/worker/src/liveness.service.ts); `moderato doctor` and the admin dashboard show
 * "worker last seen N s ago". Plain SQL, no entity: only those three places read or write it.
 */
export class WorkerHeartbeats1796401000000 implements MigrationInterface {
    name = 'WorkerHeartbeats1796401000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "worker_heartbeats" (
  "id" text PRIMARY KEY,
  "host" text NOT NULL,
  "pid" integer NOT NULL,
  "started_at" timestamptz NOT NULL,
  "seen_at" timestamptz NOT NULL
)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "worker_heartbeats"`);
    }
}
