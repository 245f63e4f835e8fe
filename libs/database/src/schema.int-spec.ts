import { DataSource, QueryFailedError } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { Session, User } from '@moderato/identity';
import { Invitation, Meeting, OutboxMessage } from '@moderato/meetings';
import { MIGRATIONS, SCHEMA } from '@moderato/schema';
import { Factories, createTestDatabase, type TestDatabase } from '@moderato/testing';
import { buildDataSourceOptions, pendingSchemaChanges, runMigrationsWithLock } from './index';

/** The PostgreSQL error code behind a failed query (23505 unique, 23503 FK, 23514 check…). */
async function pgCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof QueryFailedError) return (error.driverError as { code?: string }).code;
    throw error;
  }
}

describe('schema (migrations on real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let make: Factories;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(db.url, SCHEMA, { poolSize: 4 })).initialize();
    make = new Factories(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('agrees with the entities: generating a migration on the migrated database finds nothing', async () => {
    const changes = await pendingSchemaChanges(dataSource);
    expect(changes.up).toEqual([]);
  });

  it('has applied every migration', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    const applied = await dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
    expect(applied.map((row: { name: string }) => row.name)).toEqual(MIGRATIONS.map((m) => new m().name ?? m.name));
  });

  it('has no diff either when built from an empty database by the migration runner', async () => {
    const empty = await createTestDatabase({ migrated: false });
    const fresh = await new DataSource(buildDataSourceOptions(empty.url, SCHEMA, { poolSize: 2 })).initialize();
    try {
      const before = await pendingSchemaChanges(fresh);
      expect(before.up.length).toBeGreaterThan(10); // an empty database differs a lot
      await runMigrationsWithLock(fresh);
      expect((await pendingSchemaChanges(fresh)).up).toEqual([]);
      // …and every migration can be reverted, leaving no table behind.
      for (let i = 0; i < MIGRATIONS.length; i += 1) await fresh.undoLastMigration();
      const tables = await fresh.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`);
      expect(tables).toEqual([]);
    } finally {
      await fresh.destroy();
      await empty.drop();
    }
  });

  it('migrates exactly once when several processes start together (advisory lock)', async () => {
    const empty = await createTestDatabase({ migrated: false });
    const sources = await Promise.all([1, 2, 3].map(() => new DataSource(buildDataSourceOptions(empty.url, SCHEMA, { poolSize: 2 })).initialize()));
    try {
      const results = await Promise.all(sources.map((source) => runMigrationsWithLock(source)));
      expect(results.map((ran) => ran.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
      await empty.drop();
    }
  });

  it('refuses a second user with the same issuer and subject', async () => {
    const user = await make.user();
    expect(await pgCode(make.user({ issuer: user.issuer, subject: user.subject }))).toBe('23505');
  });

  it('refuses the same room name twice on one server, but allows it on another server', async () => {
    const { meeting } = await make.meeting();
    expect(await pgCode(make.meeting({ overrides: { serverId: meeting.serverId, roomName: meeting.roomName } }))).toBe('23505');
    const other = await make.server();
    await expect(make.meeting({ server: other, overrides: { roomName: meeting.roomName } })).resolves.toBeDefined();
  });

  it('refuses room names Jitsi would mangle, and meetings that end before they start', async () => {
    expect(await pgCode(make.meeting({ overrides: { roomName: 'Math 7B' } }))).toBe('23514');
    const start = new Date();
    expect(await pgCode(make.meeting({ overrides: { startsAt: start, endsAt: start } }))).toBe('23514');
  });

  it('refuses a duplicate link-code hash and a duplicate invitee email per meeting', async () => {
    const { meeting, invitations } = await make.meeting({ invitees: 1 });
    const [first] = invitations;
    expect(await pgCode(make.invitation(meeting, { email: 'new@school.test', linkCodeHash: first.linkCodeHash }))).toBe('23505');
    expect(await pgCode(make.invitation(meeting, { email: first.email }))).toBe('23505');
  });

  it('deletes invitations and their outbox rows with the meeting, and keeps meetings of a server from its deletion', async () => {
    const { meeting, invitations } = await make.meeting({ invitees: 2 });
    await dataSource.getRepository(OutboxMessage).save({ kind: 'invite', invitationId: invitations[0].id, payload: {} });
    expect(await pgCode(dataSource.query('DELETE FROM jitsi_servers WHERE id = $1', [meeting.serverId]))).toBe('23503');
    await dataSource.getRepository(Meeting).delete(meeting.id);
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: meeting.id })).toBe(0);
    expect(await dataSource.getRepository(OutboxMessage).countBy({ invitationId: invitations[0].id })).toBe(0);
  });

  it("removes a deleted user's sessions and unbinds their invitations", async () => {
    const user = await make.user();
    const { invitations } = await make.meeting({ invitees: 1 });
    await dataSource.getRepository(Invitation).update(invitations[0].id, { boundUserId: user.id });
    await dataSource.getRepository(Session).save({
      tokenHash: 'a'.repeat(64),
      userId: user.id,
      lastSeenAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
    });
    await dataSource.getRepository(User).delete(user.id);
    expect(await dataSource.getRepository(Session).countBy({ userId: user.id })).toBe(0);
    expect((await dataSource.getRepository(Invitation).findOneByOrFail({ id: invitations[0].id })).boundUserId).toBeNull();
  });

  it("refuses an organizer's deletion while they have meetings (history is kept)", async () => {
    const { meeting } = await make.meeting();
    expect(await pgCode(dataSource.query('DELETE FROM users WHERE id = $1', [meeting.organizerId]))).toBe('23503');
  });

  it('keeps the audit log append-only', async () => {
    const event = await dataSource.getRepository(AuditEvent).save({ action: 'meeting.created', metadata: { title: 'x' } });
    expect(await pgCode(dataSource.getRepository(AuditEvent).update(event.id, { action: 'nothing.happened' }))).toBe('42501');
    expect(await pgCode(dataSource.getRepository(AuditEvent).delete(event.id))).toBe('42501');
    expect((await dataSource.getRepository(AuditEvent).findOneByOrFail({ id: event.id })).action).toBe('meeting.created');
  });

  it("finds due outbox rows and a person's meetings through indexes", async () => {
    const indexes = await dataSource.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`);
    const byName = new Map<string, string>(indexes.map((row: { indexname: string; indexdef: string }) => [row.indexname, row.indexdef]));
    // Due: new rows (pending) and the next attempt of those that failed for the moment (retrying).
    expect(byName.get('ix_outbox_messages_due')).toMatch(/\(not_before\) WHERE .*status.*'pending'.*'retrying'/);
    expect(byName.get('ix_meetings_organizer_starts_at')).toMatch(/\(organizer_id, starts_at\)/);
    expect(byName.get('uq_invitations_link_code_hash')).toMatch(/UNIQUE INDEX/);
  });

  it('starts a meeting with the safe defaults: login required, no guests, version 1', async () => {
    const { meeting } = await make.meeting();
    const stored = await dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id });
    expect(stored.options).toMatchObject({ requireLogin: true, guestAccess: false });
    expect(stored.joinBeforeMinutes).toBe(15);
    expect(stored.version).toBe(1);
  });
});
