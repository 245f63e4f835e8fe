import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { SCHEMA } from '@moderato/schema';
import { buildDataSourceOptions } from '@moderato/database';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@moderato/testing';
import { assertBuilt, runCli } from './cli-process';

/** `moderato server rotate-secret`, run as an operator runs it, against a real database. */
describe('moderato server rotate-secret (built, against PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let env: Record<string, string>;
  const oldSecret = 'the-secret-jitsi-has-had-for-years-0123456789';

  beforeAll(async () => {
    assertBuilt();
    db = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(db.url, SCHEMA, { poolSize: 2 })).initialize();
    env = { NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: testRedisUrl() };
    const add = (args: string[], stdin?: string) => runCli(['server', 'add', '--app-id', 'moderato', '--domain', 'meet.jitsi', ...args], env, { stdin });
    expect((await add(['--name', 'School Jitsi', '--url', 'https://meet.school.test', '--secret-file', '-'], oldSecret)).code).toBe(0);
    expect((await add(['--name', 'Key Jitsi', '--url', 'https://meet2.school.test', '--signing', 'RS256'])).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const sealed = async () => (await dataSource.query(`SELECT secret_encrypted FROM jitsi_servers WHERE name = 'School Jitsi'`))[0].secret_encrypted as string;

  it('prints a new secret once with the lines to change on the Jitsi side, and audits it without the secret', async () => {
    const before = await sealed();
    const run = await runCli(['server', 'rotate-secret', 'School Jitsi'], env);
    expect(run.code).toBe(0);
    const secret = /^ {2}([0-9a-f]{64})$/m.exec(run.stdout)?.[1] ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(oldSecret);
    expect(run.stdout).toContain(`JWT_APP_SECRET=${secret}`);
    expect(run.stdout).toContain(`app_secret = "${secret}"`);
    expect(run.stdout).toContain('nobody can join');
    expect(await sealed()).not.toBe(before);
    const events = await dataSource.getRepository(AuditEvent).findBy({ action: 'jitsi.server_secret_rotated' });
    expect(events.map((event) => event.metadata)).toEqual([{ secretGenerated: true }]);
    expect(events[0].actorLabel).toMatch(/^moderato CLI/);
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('takes a given secret by id (--json); refuses a short one, an RS256 server and an unknown name, changing nothing', async () => {
    const [{ id }] = await dataSource.query(`SELECT id FROM jitsi_servers WHERE name = 'School Jitsi'`);
    const mine = 'x'.repeat(8) + '-given-by-the-operator-0123456789';
    const json = await runCli(['server', 'rotate-secret', id, '--secret-file', '-', '--json'], env, { stdin: `${mine}\n` });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, secret: mine, jitsiLines: [{ line: `JWT_APP_SECRET=${mine}` }, { line: `app_secret = "${mine}"` }] });

    const before = await sealed();
    const short = await runCli(['server', 'rotate-secret', 'School Jitsi', '--secret-file', '-'], env, { stdin: 'short' });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('secret must be at least 32 characters');
    const rs = await runCli(['server', 'rotate-secret', 'Key Jitsi'], env);
    expect(rs.code).toBe(1);
    expect(rs.stderr).toContain('not possible for a server that signs with RS256');
    const unknown = await runCli(['server', 'rotate-secret', 'No Such Jitsi'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No Jitsi server named');
    expect(await sealed()).toBe(before);
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'jitsi.server_secret_rotated' })).toBe(2);
  });
});
