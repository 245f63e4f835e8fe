import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting a person (issue 18) keeps their audit events but replaces who they were with a
 * pseudonym. The append-only trigger now also lets an UPDATE through after
 * `SET LOCAL moderato.audit_pseudonymise = 'on'`, and then only of the personal columns
 * (actor, subject id, metadata, ip): what happened and when stay as they were.
 */
export class AuditPseudonymise1796500000000 implements MigrationInterface {
    name = 'AuditPseudonymise1796500000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('moderato.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('moderato.audit_pseudonymise', true) = 'on'
        AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.created_at = OLD.created_at
        AND NEW.subject_type IS NOT DISTINCT FROM OLD.subject_type THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('moderato.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`);
    }
}
