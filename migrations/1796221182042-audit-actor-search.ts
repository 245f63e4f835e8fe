import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log filtered by actor ("part of an email") searched every event: a trigram index on
 * lower(actor_label) serves LIKE '%…%' (see BENCHMARKS.md, dashboards). pg_trgm is a trusted
 * extension (PostgreSQL 13+): the database owner may create it, no superuser needed.
 */
export class AuditActorSearch1796221182042 implements MigrationInterface {
    name = 'AuditActorSearch1796221182042';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_actor_label_trgm" ON "audit_events" USING gin (lower("actor_label") gin_trgm_ops)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_actor_label_trgm"`);
    }
}
