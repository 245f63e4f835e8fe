import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New outbox rows wake the workers' relay at once (LISTEN moderato_outbox) instead of at its next
 * poll: an invitation mail leaves as soon as the meeting is saved. A statement-level trigger sends
 * one notification per INSERT statement (2,000 invitees: one), and a row sent again (status back
 * to pending) sends one too; PostgreSQL delivers it at COMMIT, merging duplicates. Polling stays
 * as the fallback (a worker that was not listening, a row whose not_before is later).
 */
export class OutboxNotify1796225000000 implements MigrationInterface {
    name = 'OutboxNotify1796225000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE FUNCTION "moderato_outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('moderato_outbox', '');
  RETURN NULL;
END
$$`);
        await queryRunner.query(`CREATE TRIGGER "tr_outbox_messages_inserted" AFTER INSERT ON "outbox_messages" FOR EACH STATEMENT EXECUTE FUNCTION "moderato_outbox_notify"()`);
        await queryRunner.query(
            `CREATE TRIGGER "tr_outbox_messages_pending_again" AFTER UPDATE OF "status" ON "outbox_messages" FOR EACH ROW WHEN (NEW."status" = 'pending' AND OLD."status" <> 'pending') EXECUTE FUNCTION "moderato_outbox_notify"()`,
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "tr_outbox_messages_pending_again" ON "outbox_messages"`);
        await queryRunner.query(`DROP TRIGGER "tr_outbox_messages_inserted" ON "outbox_messages"`);
        await queryRunner.query(`DROP FUNCTION "moderato_outbox_notify"()`);
    }
}
