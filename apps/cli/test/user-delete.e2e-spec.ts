import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { Session, User } from '@moderato/identity';
import { Invitation, Meeting } from '@moderato/meetings';
import { SCHEMA } from '@moderato/schema';
import { buildDataSourceOptions } from '@moderato/database';
import { Factories, createTestDatabase, testRedisUrl, type TestDatabase } from '@moderato/testing';
import { assertBuilt, runCli } from './cli-process';

/** `moderato user delete`, run as an operator runs it, against a real database. */
describe('moderato user delete (built, against PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let make: Factories;
  let env: Record<string, string>;

  beforeAll(async () => {
    assertBuilt();
    db = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(db.url, SCHEMA, { poolSize: 2 })).initialize();
    make = new Factories(dataSource);
    env = { NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: testRedisUrl() };
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('refuses without a choice for the meetings, changes nothing, then hands them over and deletes the person', async () => {
    const teacher = await make.organizer({ email: 'leaving.teacher@school.test', displayName: 'Leaving Teacher' });
    const successor = await make.organizer({ email: 'next.teacher@school.test' });
    const { meeting } = await make.meeting({ organizer: teacher, invitees: 2 });
    const pupil = await make.user({ email: 'pupil.stays@school.test' });
    await make.invitation(meeting, { email: pupil.email });
    await dataSource.getRepository(Session).save({
      tokenHash: 'a'.repeat(64),
      userId: teacher.id,
      lastSeenAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
      ip: '192.0.2.7',
      userAgent: 'Firefox',
    });

    const refused = await runCli(['user', 'delete', 'leaving.teacher@school.test'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--meetings-to <email> or --cancel-meetings');
    expect(await dataSource.getRepository(User).findOneBy({ id: teacher.id })).not.toBeNull();

    const done = await runCli(['user', 'delete', 'leaving.teacher@school.test', '--meetings-to', 'next.teacher@school.test'], env);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(
      /✔ leaving\.teacher@school\.test is deleted \(1 session\(s\), 0 API token\(s\), 0 invitation\(s\), 1 meeting\(s\) handed to next\.teacher@school\.test\)/,
    );
    const pseudonym = /calls them (deleted-user-[0-9a-f]{8})/.exec(done.stdout)?.[1];
    expect(pseudonym).toBeDefined();

    expect(await dataSource.getRepository(User).findOneBy({ id: teacher.id })).toBeNull();
    expect(await dataSource.getRepository(Session).countBy({ userId: teacher.id })).toBe(0);
    expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id })).organizerId).toBe(successor.id);
    // The pupils keep their invitations to the meeting that goes on.
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: meeting.id })).toBe(3);
    expect(await dataSource.getRepository(User).findOneBy({ id: pupil.id })).not.toBeNull();
    // The deletion is in the audit log under the pseudonym, and nowhere does the address remain.
    const events = await dataSource.getRepository(AuditEvent).find();
    expect(events.some((event) => event.action === 'user.deleted')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('leaving.teacher@school.test');
  });

  it('answers an unknown address with a message, not a stack trace', async () => {
    const run = await runCli(['user', 'delete', 'nobody@school.test', '--cancel-meetings'], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('nobody with the email nobody@school.test has signed in');
    expect(run.stderr).not.toMatch(/at \S+ \(/);
  });
});
