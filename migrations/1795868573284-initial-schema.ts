import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first cut of the schema. Generated from the entities, then extended by hand with
 * what TypeORM cannot express: the trigger that keeps audit_events append-only.
 */

export class InitialSchema1795868573284 implements MigrationInterface {
    name = 'InitialSchema1795868573284';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor_id" uuid, "actor_label" text, "action" text NOT NULL, "subject_type" text, "subject_id" text, "metadata" jsonb NOT NULL DEFAULT '{}', "ip" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_subject" ON "audit_events"  ("subject_type", "subject_id") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_action_created_at" ON "audit_events"  ("action", "created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_actor_created_at" ON "audit_events"  ("actor_id", "created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_created_at" ON "audit_events"  ("created_at") `);
        await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "issuer" text NOT NULL, "subject" text NOT NULL, "email" text NOT NULL, "email_verified" boolean NOT NULL DEFAULT false, "display_name" text NOT NULL, "avatar_url" text, "idp_roles" text array NOT NULL DEFAULT '{}', "role_overrides" jsonb NOT NULL DEFAULT '{}', "timezone" text, "locale" text, "last_login_at" TIMESTAMP WITH TIME ZONE, "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_users_issuer_subject" UNIQUE ("issuer", "subject"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_users_email" ON "users"  ("email") `);
        await queryRunner.query(`CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character(64) NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "id_token" text, "user_agent" text, "ip" text, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_sessions_token_hash" ON "sessions"  ("token_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_sessions_expires_at" ON "sessions"  ("expires_at") `);
        await queryRunner.query(`CREATE INDEX "ix_sessions_user" ON "sessions"  ("user_id") `);
        await queryRunner.query(`CREATE TABLE "jitsi_servers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "base_url" text NOT NULL, "xmpp_domain" text NOT NULL, "app_id" text NOT NULL, "audience" text NOT NULL DEFAULT 'jitsi', "signing_mode" character varying(8) NOT NULL, "secret_encrypted" text, "enabled" boolean NOT NULL DEFAULT true, "allowed_organizer_roles" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_jitsi_servers_signing_mode" CHECK ("signing_mode" IN ('HS256', 'RS256')), CONSTRAINT "PK_8ecca0a34775793b66db8fce450" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_jitsi_servers_name" ON "jitsi_servers"  ("name") `);
        await queryRunner.query(`CREATE TABLE "meetings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "server_id" uuid NOT NULL, "organizer_id" uuid NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "room_name" character varying(128) NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "timezone" text NOT NULL, "rrule" text, "recurrence_exceptions" jsonb NOT NULL DEFAULT '[]', "join_before_minutes" integer NOT NULL DEFAULT '15', "join_after_minutes" integer NOT NULL DEFAULT '0', "options" jsonb NOT NULL DEFAULT '{"lobby":false,"requireLogin":true,"guestAccess":false,"startMuted":false,"screenSharing":"everyone"}', "cancelled_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_meetings_server_room" UNIQUE ("server_id", "room_name"), CONSTRAINT "ck_meetings_join_window" CHECK ("join_before_minutes" >= 0 AND "join_after_minutes" >= 0), CONSTRAINT "ck_meetings_room_name" CHECK ("room_name" ~ '^[a-z0-9-]{1,128}$'), CONSTRAINT "ck_meetings_ends_after_start" CHECK ("ends_at" > "starts_at"), CONSTRAINT "PK_aa73be861afa77eb4ed31f3ed57" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_meetings_starts_at" ON "meetings"  ("starts_at") `);
        await queryRunner.query(`CREATE INDEX "ix_meetings_organizer_starts_at" ON "meetings"  ("organizer_id", "starts_at") `);
        await queryRunner.query(`CREATE TABLE "invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "email" text NOT NULL, "name" text NOT NULL DEFAULT '', "role" character varying(16) NOT NULL DEFAULT 'participant', "bound_user_id" uuid, "link_code_hash" character(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "sent_at" TIMESTAMP WITH TIME ZONE, "joined_at" TIMESTAMP WITH TIME ZONE, "join_count" integer NOT NULL DEFAULT '0', "rsvp" character varying(16), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_invitations_meeting_email" UNIQUE ("meeting_id", "email"), CONSTRAINT "ck_invitations_rsvp" CHECK ("rsvp" IS NULL OR "rsvp" IN ('accepted', 'declined', 'tentative')), CONSTRAINT "ck_invitations_status" CHECK ("status" IN ('pending', 'sent', 'failed', 'revoked')), CONSTRAINT "ck_invitations_role" CHECK ("role" IN ('moderator', 'participant')), CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_invitations_link_code_hash" ON "invitations"  ("link_code_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_invitations_email" ON "invitations"  ("email") `);
        await queryRunner.query(`CREATE INDEX "ix_invitations_bound_user" ON "invitations"  ("bound_user_id") `);
        await queryRunner.query(`CREATE TABLE "outbox_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "invitation_id" uuid, "payload" jsonb NOT NULL DEFAULT '{}', "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "not_before" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_outbox_messages_status" CHECK ("status" IN ('pending', 'queued', 'sent', 'failed')), CONSTRAINT "ck_outbox_messages_kind" CHECK ("kind" IN ('invite', 'update', 'cancel', 'reminder')), CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_outbox_messages_invitation" ON "outbox_messages"  ("invitation_id") `);
        await queryRunner.query(`CREATE INDEX "ix_outbox_messages_due" ON "outbox_messages"  ("not_before") WHERE "status" = 'pending'`);
        await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "fk_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "meetings" ADD CONSTRAINT "fk_meetings_server" FOREIGN KEY ("server_id") REFERENCES "jitsi_servers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "meetings" ADD CONSTRAINT "fk_meetings_organizer" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "invitations" ADD CONSTRAINT "fk_invitations_meeting" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "invitations" ADD CONSTRAINT "fk_invitations_bound_user" FOREIGN KEY ("bound_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" ADD CONSTRAINT "fk_outbox_messages_invitation" FOREIGN KEY ("invitation_id") REFERENCES "invitations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // Audit events are append-only. A retention job may delete old rows only after
        // `SET LOCAL moderato.audit_prune = 'on'` inside its own transaction.
        await queryRunner.query(`CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('moderato.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`);
        await queryRunner.query(`CREATE TRIGGER "tr_audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "tr_audit_events_append_only" ON "audit_events"`);
        await queryRunner.query(`DROP FUNCTION "audit_events_append_only"()`);
        await queryRunner.query(`ALTER TABLE "outbox_messages" DROP CONSTRAINT "fk_outbox_messages_invitation"`);
        await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "fk_invitations_bound_user"`);
        await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "fk_invitations_meeting"`);
        await queryRunner.query(`ALTER TABLE "meetings" DROP CONSTRAINT "fk_meetings_organizer"`);
        await queryRunner.query(`ALTER TABLE "meetings" DROP CONSTRAINT "fk_meetings_server"`);
        await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "fk_sessions_user"`);
        await queryRunner.query(`DROP INDEX "public"."ix_outbox_messages_due"`);
        await queryRunner.query(`DROP INDEX "public"."ix_outbox_messages_invitation"`);
        await queryRunner.query(`DROP TABLE "outbox_messages"`);
        await queryRunner.query(`DROP INDEX "public"."ix_invitations_bound_user"`);
        await queryRunner.query(`DROP INDEX "public"."ix_invitations_email"`);
        await queryRunner.query(`DROP INDEX "public"."uq_invitations_link_code_hash"`);
        await queryRunner.query(`DROP TABLE "invitations"`);
        await queryRunner.query(`DROP INDEX "public"."ix_meetings_organizer_starts_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_meetings_starts_at"`);
        await queryRunner.query(`DROP TABLE "meetings"`);
        await queryRunner.query(`DROP INDEX "public"."uq_jitsi_servers_name"`);
        await queryRunner.query(`DROP TABLE "jitsi_servers"`);
        await queryRunner.query(`DROP INDEX "public"."ix_sessions_user"`);
        await queryRunner.query(`DROP INDEX "public"."ix_sessions_expires_at"`);
        await queryRunner.query(`DROP INDEX "public"."uq_sessions_token_hash"`);
        await queryRunner.query(`DROP TABLE "sessions"`);
        await queryRunner.query(`DROP INDEX "public"."ix_users_email"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_created_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_actor_created_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_action_created_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_subject"`);
        await queryRunner.query(`DROP TABLE "audit_events"`);
    }
}
