import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Session, User } from '@moderato/identity';
import { Invitation, Meeting } from '@moderato/meetings';
import { SCHEMA } from '@moderato/schema';
import { Factories, createTestDatabase, until, type TestDatabase } from '@moderato/testing';
import { buildDataSourceOptions } from './data-source-options';
import { EntityColumns, pgPool, preparedQuery, preparedTransaction } from './hot-path';

describe('hot-path queries (prepared statements on the pool, rows into entities)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let make: Factories;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(db.url, SCHEMA, { poolSize: 2 })).initialize();
    make = new Factories(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('reads the same entities a repository reads (arrays, jsonb, dates, nulls, defaults)', async () => {
    const organizer = await make.organizer({
      roleOverrides: { organizer: 'grant', admin: 'block' },
      locale: 'de',
      timezone: 'Europe/Berlin',
      lastLoginAt: new Date('2026-11-30T07:59:58.123Z'),
    });
    const { meeting, invitations } = await make.meeting({
      organizer,
      invitees: 1,
      overrides: {
        rrule: 'FREQ=WEEKLY;COUNT=5',
        recurrenceExceptions: [{ occurrence: '2026-12-09T08:00:00.000Z', cancelled: true }],
        options: { lobby: true, guestAccess: false } as never,
      },
    });
    const session = await dataSource.getRepository(Session).save({
      tokenHash: randomBytes(32).toString('hex'),
      userId: organizer.id,
      lastSeenAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
      idToken: 'eyJ.id.token',
      userAgent: 'Firefox',
      ip: '192.0.2.1',
    });

    const users = new EntityColumns(dataSource, User);
    const meetings = new EntityColumns(dataSource, Meeting);
    const invitationColumns = new EntityColumns(dataSource, Invitation);
    const sessions = new EntityColumns(dataSource, Session, { except: ['idToken'] });
    const [row] = await preparedQuery(
      dataSource,
      {
        name: 'hot_path_spec_join',
        text: `SELECT ${invitationColumns.select('i')}, ${meetings.select('m')}, ${users.select('u')}
                 FROM invitations i JOIN meetings m ON m.id = i.meeting_id JOIN users u ON u.id = m.organizer_id WHERE i.id = $1`,
      },
      [invitations[0].id],
    );
    const invitation = invitationColumns.hydrate(row, 0);
    const readMeeting = meetings.hydrate(row, invitationColumns.width);
    const readOrganizer = users.hydrate(row, invitationColumns.width + meetings.width);

    expect(readOrganizer).toBeInstanceOf(User);
    expect(readOrganizer).toEqual(await dataSource.getRepository(User).findOneByOrFail({ id: organizer.id }));
    expect(readOrganizer?.roleOverrides).toEqual({ organizer: 'grant', admin: 'block' });
    expect(readOrganizer?.idpRoles).toEqual(['teachers']);
    expect(readOrganizer?.lastLoginAt).toEqual(new Date('2026-11-30T07:59:58.123Z'));
    expect(readMeeting).toEqual(await dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id }));
    expect(readMeeting?.recurrenceExceptions).toEqual([{ occurrence: '2026-12-09T08:00:00.000Z', cancelled: true }]);
    expect(invitation).toEqual(await dataSource.getRepository(Invitation).findOneByOrFail({ id: invitations[0].id }));

    const [sessionRow] = await preparedQuery(
      dataSource,
      { name: 'hot_path_spec_session', text: `SELECT ${sessions.select('s')} FROM sessions s WHERE s.id = $1` },
      [session.id],
    );
    const readSession = sessions.hydrate(sessionRow, 0);
    const { idToken, ...stored } = await dataSource.getRepository(Session).findOneByOrFail({ id: session.id });
    expect(idToken).toBe('eyJ.id.token');
    expect(readSession).toEqual(expect.objectContaining(stored));
    expect(readSession?.idToken).toBeUndefined();
    expect(sessions.select('s')).not.toContain('id_token');
  });

  it('gives undefined for the empty side of an outer join, and no row for no match', async () => {
    const user = await make.user();
    const users = new EntityColumns(dataSource, User);
    const sessions = new EntityColumns(dataSource, Session);
    const statement = {
      name: 'hot_path_spec_outer',
      text: `SELECT ${users.select('u')}, ${sessions.select('s')} FROM users u LEFT JOIN sessions s ON s.user_id = u.id WHERE u.id = $1`,
    };
    const [row] = await preparedQuery(dataSource, statement, [user.id]);
    expect(users.hydrate(row, 0)?.email).toBe(user.email);
    expect(sessions.hydrate(row, users.width)).toBeUndefined();
    // The same prepared statement again, with a value that matches nothing.
    expect(await preparedQuery(dataSource, statement, ['00000000-0000-4000-8000-000000000000'])).toEqual([]);
  });

  it('preparedTransaction commits what it ran, rolls back everything when the work throws, and gives the connection back', async () => {
    const user = await make.user({ displayName: 'Before' });
    const rename = { name: 'hot_path_spec_rename', text: 'UPDATE users SET display_name = $2 WHERE id = $1' };
    const pool = pgPool(dataSource);

    await expect(
      preparedTransaction(dataSource, async (run) => {
        await run(rename, [user.id, 'Half-written']);
        throw new Error('the SMTP server hung up');
      }),
    ).rejects.toThrow('the SMTP server hung up');
    expect((await dataSource.getRepository(User).findOneByOrFail({ id: user.id })).displayName).toBe('Before');

    // A failing statement aborts the transaction; nothing of it stays either.
    await expect(
      preparedTransaction(dataSource, async (run) => {
        await run(rename, [user.id, 'Also not']);
        await run({ name: 'hot_path_spec_broken', text: 'SELECT 1 / $1::int' }, [0]);
      }),
    ).rejects.toThrow(/division by zero/);
    expect((await dataSource.getRepository(User).findOneByOrFail({ id: user.id })).displayName).toBe('Before');

    const result = await preparedTransaction(dataSource, async (run) => {
      await run(rename, [user.id, 'After']);
      return run({ name: 'hot_path_spec_read', text: 'SELECT display_name FROM users WHERE id = $1' }, [user.id]);
    });
    expect(result).toEqual([['After']]);
    expect((await dataSource.getRepository(User).findOneByOrFail({ id: user.id })).displayName).toBe('After');
    // Every connection is idle again: none was kept by a rolled-back or committed transaction.
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  it('a connection PostgreSQL ends while a preparedTransaction holds it fails that transaction, not the process; the pool goes on', async () => {
    const user = await make.user({ displayName: 'Before' });
    const rename = { name: 'hot_path_spec_rename_again', text: 'UPDATE users SET display_name = $2 WHERE id = $1' };
    const gone = (pid: number) => async () =>
      Number((await dataSource.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]))[0].n) === 0;
    await expect(
      preparedTransaction(dataSource, async (run) => {
        await run(rename, [user.id, 'Half-written']);
        const [[pid]] = (await run({ name: 'hot_path_spec_pid', text: 'SELECT pg_backend_pid()' }, [])) as [[number]];
        // While the work waits on something else (the mail worker: the SMTP server), PostgreSQL
        // ends the connection (a restart, a failover): the client gets an 'error' event then.
        await dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
        await until(gone(pid), 'the backend to end', 5_000);
        await run(rename, [user.id, 'Written on a dead connection']);
      }),
    ).rejects.toThrow(/terminat|not queryable|Connection terminated/i);
    expect((await dataSource.getRepository(User).findOneByOrFail({ id: user.id })).displayName).toBe('Before');
    // The broken client was not given back; the next transaction gets a working one.
    expect(await preparedTransaction(dataSource, (run) => run({ name: 'hot_path_spec_one', text: 'SELECT 1' }, []))).toEqual([[1]]);
  });
});
