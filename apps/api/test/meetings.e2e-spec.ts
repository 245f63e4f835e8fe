import type TestAgent from 'supertest/lib/agent';
import { DataSource, In } from 'typeorm';
import { Invitation, LinkCodes, Meeting, OutboxMessage, hashLinkCode } from '@moderato/meetings';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
const inAWeek = (hours: number) => {
  const date = new Date(Date.now() + 7 * 24 * 3600_000);
  date.setUTCHours(hours, 0, 0, 0);
  return date.toISOString().replace('.000Z', '+00:00');
};

describe('meetings REST API', () => {
  let env: SignedInApi;
  let teacher: TestAgent;
  let teacher2: TestAgent;
  let student: TestAgent;
  let admin: TestAgent;
  const csrf = new Map<TestAgent, string>();
  let dataSource: DataSource;

  const post = (agent: TestAgent, path: string, body: object) => agent.post(path).set('x-csrf-token', csrf.get(agent)!).send(body);
  const patch = (agent: TestAgent, path: string, body: object) => agent.patch(path).set('x-csrf-token', csrf.get(agent)!).send(body);
  const meeting = (overrides: object = {}) => ({
    title: 'Maths 7b',
    startsAt: inAWeek(8),
    endsAt: inAWeek(9),
    timezone: 'Europe/Berlin',
    invitees: [
      { email: 'Student@School.test', name: 'Sam Student', role: 'participant' },
      { email: 'student2@school.test', role: 'participant' },
      { email: 'teacher2@school.test', name: 'Tina', role: 'moderator' },
    ],
    ...overrides,
  });

  beforeAll(async () => {
    env = await startSignedInApi();
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    for (const [email, set] of [
      ['teacher@school.test', (a: TestAgent) => (teacher = a)],
      ['teacher2@school.test', (a: TestAgent) => (teacher2 = a)],
      ['student@school.test', (a: TestAgent) => (student = a)],
      ['admin@school.test', (a: TestAgent) => (admin = a)],
    ] as const) {
      const agent = await env.signIn(email);
      set(agent);
      csrf.set(agent, await env.csrf(agent));
    }
  });
  afterAll(async () => {
    await env?.close();
  });

  it('schedules a meeting with 3 invitees: personal links stored as hashes, one outbox row each, same transaction', async () => {
    const res = await post(teacher, '/api/v1/meetings', meeting()).expect(201);
    expect(res.body).toMatchObject({ title: 'Maths 7b', timezone: 'Europe/Berlin', version: 1, recurrence: null, joinWindowMinutesBefore: 15 });
    expect(res.body.roomName).toMatch(/^maths-7b-[a-z0-9]{12}$/);
    expect(res.body.options).toMatchObject({ requireLogin: true, guestAccess: false });
    expect(res.body.invitations.map((i: { email: string }) => i.email).sort()).toEqual(['student2@school.test', 'student@school.test', 'teacher2@school.test']);
    const invitations = await dataSource.getRepository(Invitation).findBy({ meetingId: res.body.id });
    const codes = env.api.app.get(LinkCodes);
    for (const invitation of invitations) {
      const code = codes.codeFor(invitation);
      expect(Buffer.from(code, 'base64url').length).toBeGreaterThanOrEqual(16); // ≥ 128 bits
      expect(invitation.linkCodeHash).toBe(hashLinkCode(code));
      const [raw] = await dataSource.query('SELECT * FROM invitations WHERE id = $1', [invitation.id]);
      expect(JSON.stringify(raw)).not.toContain(code);
    }
    const outbox = await dataSource.getRepository(OutboxMessage).findBy({ invitationId: In(invitations.map((i) => i.id)), kind: 'invite' });
    expect(outbox.map((row) => [row.kind, row.status, row.payload])).toEqual(Array(3).fill(['invite', 'pending', { sequence: 0 }]));
  });

  it('stores titles and names without control characters (they go into mails, .ics, pages and tokens); a NUL is refused', async () => {
    // NUL is refused outright (400, field named), like everywhere; other control characters are stripped.
    const nul = await post(teacher, '/api/v1/meetings', meeting({ title: 'Maths\u0000 7b' })).expect(400);
    expect(nul.body.details).toEqual([expect.objectContaining({ field: 'title' })]);
    const res = await post(
      teacher,
      '/api/v1/meetings',
      meeting({
        title: 'Maths\r\nBcc: evil@x.test\u0001 7b\u0007',
        description: 'Bring books.\r\nAnd pens.\u001b',
        invitees: [{ email: 'ctl@school.test', name: 'Sam\u0002 "Student"\r\nX-Injected: 1', role: 'participant' }],
      }),
    ).expect(201);
    expect(res.body.title).toBe('Maths Bcc: evil@x.test 7b');
    expect(res.body.description).toBe('Bring books.\nAnd pens.');
    const [invitation] = await dataSource.getRepository(Invitation).findBy({ meetingId: res.body.id });
    expect(invitation.name).toBe('Sam "Student" X-Injected: 1');
    const edited = await patch(teacher, `/api/v1/meetings/${res.body.id}`, { title: 'Maths\u0085 7c', version: res.body.version }).expect(200);
    expect(edited.body.title).toBe('Maths 7c');
    // A title of nothing but control characters is an empty title.
    const empty = await post(teacher, '/api/v1/meetings', meeting({ title: '\u0001\u0007' })).expect(400);
    expect(empty.body.details).toEqual([{ field: 'title', messages: ['title must not be empty'] }]);
  });

  it("lists my meetings and my invitations, not other people's", async () => {
    const mine = await teacher.get('/api/v1/meetings').expect(200);
    expect(mine.body.items.length).toBeGreaterThanOrEqual(1);
    const other = await teacher2.get('/api/v1/meetings').expect(200);
    expect(other.body.items).toEqual([]);
  });

  it('a participant cannot create meetings (403)', async () => {
    const res = await post(student, '/api/v1/meetings', meeting()).expect(403);
    expect(res.body.code).toBe('ROLE_REQUIRED');
  });

  it('another organizer (or a participant) cannot see, edit, cancel or list invitations of my meeting (404)', async () => {
    const { body } = await post(teacher, '/api/v1/meetings', meeting({ invitees: [] })).expect(201);
    for (const agent of [teacher2, student]) {
      await agent.get(`/api/v1/meetings/${body.id}`).expect(404);
      await patch(agent, `/api/v1/meetings/${body.id}`, { title: 'Mine now', version: 1 }).expect(404);
      await agent.delete(`/api/v1/meetings/${body.id}`).set('x-csrf-token', csrf.get(agent)!).expect(404);
      await agent.get(`/api/v1/meetings/${body.id}/invitations`).expect(404);
      await post(agent, `/api/v1/meetings/${body.id}/invitations`, { invitees: [{ email: 'x@school.test' }] }).expect(404);
    }
    await admin.get(`/api/v1/meetings/${body.id}`).expect(200); // admins see all
    expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id: body.id })).title).toBe('Maths 7b');
  });

  it('edits with optimistic locking: a stale version is a 409 and changes nothing; a real change notifies everyone', async () => {
    const { body } = await post(teacher, '/api/v1/meetings', meeting({ invitees: [{ email: 'sam@school.test' }] })).expect(201);
    const edited = await patch(teacher, `/api/v1/meetings/${body.id}`, { title: 'Maths 7b (room 12)', version: 1 }).expect(200);
    expect(edited.body.version).toBe(2);
    const stale = await patch(teacher, `/api/v1/meetings/${body.id}`, { title: 'Overwrite', version: 1 }).expect(409);
    expect(stale.body).toMatchObject({ code: 'MEETING_VERSION_CONFLICT', details: { expected: 1, actual: 2 } });
    expect((await teacher.get(`/api/v1/meetings/${body.id}`)).body.title).toBe('Maths 7b (room 12)');
    await teacher
      .patch(`/api/v1/meetings/${body.id}`)
      .set('x-csrf-token', csrf.get(teacher)!)
      .set('If-Match', '"2"')
      .send({ description: 'Bring a ruler' })
      .expect(200);
    const [invitation] = (await teacher.get(`/api/v1/meetings/${body.id}/invitations`)).body;
    const rows = await dataSource
      .getRepository(OutboxMessage)
      .find({ where: { invitationId: invitation.id, kind: In(['invite', 'update', 'cancel']) }, order: { createdAt: 'ASC' } });
    expect(rows.map((row) => [row.kind, row.payload.sequence])).toEqual([
      ['invite', 0],
      ['update', 1],
      ['update', 2],
    ]);
  });

  it('cancel keeps the meeting and tells every invitee (not the revoked)', async () => {
    const { body } = await post(teacher, '/api/v1/meetings', meeting({ invitees: [{ email: 'a@school.test' }, { email: 'b@school.test' }] })).expect(201);
    const invitations = await dataSource.getRepository(Invitation).findBy({ meetingId: body.id });
    await dataSource.getRepository(Invitation).update(invitations[0].id, { status: 'revoked' });
    const res = await teacher.delete(`/api/v1/meetings/${body.id}`).set('x-csrf-token', csrf.get(teacher)!).expect(200);
    expect(res.body.cancelledAt).not.toBeNull();
    const cancels = await dataSource.getRepository(OutboxMessage).findBy({ kind: 'cancel', invitationId: In(invitations.map((i) => i.id)) });
    expect(cancels.map((row) => row.invitationId)).toEqual([invitations[1].id]);
    await patch(teacher, `/api/v1/meetings/${body.id}`, { title: 'x', version: 2 }).expect(410);
  });

  it('refuses the same email twice, in one request or added later', async () => {
    const twice = await post(teacher, '/api/v1/meetings', meeting({ invitees: [{ email: 'x@school.test' }, { email: 'X@school.test' }] })).expect(400);
    expect(twice.body.details).toEqual([{ field: 'invitees.1.email', messages: ['x@school.test is listed twice (also at 0)'] }]);
    const { body } = await post(teacher, '/api/v1/meetings', meeting({ invitees: [{ email: 'x@school.test' }] })).expect(201);
    const again = await post(teacher, `/api/v1/meetings/${body.id}/invitations`, { invitees: [{ email: 'X@School.test' }, { email: 'y@school.test' }] }).expect(
      409,
    );
    expect(again.body).toMatchObject({ code: 'INVITEE_ALREADY_INVITED', details: { emails: ['x@school.test'] } });
    expect((await teacher.get(`/api/v1/meetings/${body.id}/invitations`)).body.map((i: { email: string }) => i.email)).toEqual(['x@school.test']);
    await post(teacher, `/api/v1/meetings/${body.id}/invitations`, { invitees: [{ email: 'y@school.test', role: 'moderator' }] }).expect(201);
  });

  it('revokes, resends with a new link and changes roles; only the organizer can', async () => {
    const { body } = await post(teacher, '/api/v1/meetings', meeting({ invitees: [{ email: 'r@school.test' }] })).expect(201);
    const [invitation] = await dataSource.getRepository(Invitation).findBy({ meetingId: body.id });
    const base = `/api/v1/meetings/${body.id}/invitations/${invitation.id}`;
    await patch(teacher2, base, { role: 'moderator' }).expect(404);
    expect((await patch(teacher, base, { role: 'moderator' }).expect(200)).body.role).toBe('moderator');
    await post(teacher, `${base}/resend`, { newLink: true }).expect(200);
    const resent = await dataSource.getRepository(Invitation).findOneByOrFail({ id: invitation.id });
    expect(resent.linkCodeHash).not.toBe(invitation.linkCodeHash); // the old link is dead
    expect(await dataSource.getRepository(OutboxMessage).countBy({ invitationId: invitation.id, kind: 'invite' })).toBe(2);
    expect((await patch(teacher, base, { status: 'revoked' }).expect(200)).body.status).toBe('revoked');
    await patch(teacher, base, { status: 'sent' }).expect(400);
  });

  it.each([
    ['end before start', { endsAt: inAWeek(7) }, 'endsAt', 'endsAt must be after startsAt'],
    ['unknown timezone', { timezone: 'Mars/Olympus' }, 'timezone', 'timezone must be an IANA time zone such as Europe/Berlin'],
    ['10,000-character title', { title: 'x'.repeat(10_000) }, 'title', 'title must be at most 200 characters'],
    ['malformed email', { invitees: [{ email: 'not-an-address' }] }, 'invitees.0.email', 'email must be an email address'],
    ['unknown role', { invitees: [{ email: 'a@school.test', role: 'owner' }] }, 'invitees.0.role', 'role must be participant or moderator'],
    [
      'a date without offset',
      { startsAt: '2026-12-01T08:00:00' },
      'startsAt',
      'startsAt must be an ISO 8601 date-time with offset, e.g. 2026-12-01T08:00:00+01:00',
    ],
    ['an endless series', { recurrence: 'FREQ=WEEKLY;BYDAY=MO' }, 'recurrence', 'recurrence must end: give COUNT or UNTIL'],
    ['an unknown field', { room: 'my-own-room' }, 'room', 'property room should not exist'],
  ])('refuses %s with a field message, and saves nothing', async (_name, overrides, field, message) => {
    const before = await dataSource.getRepository(Meeting).count();
    const res = await post(teacher, '/api/v1/meetings', meeting(overrides)).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details).toEqual(expect.arrayContaining([{ field, messages: [message] }]));
    expect(await dataSource.getRepository(Meeting).count()).toBe(before);
  });

  it('schedules a weekly series as one meeting with an RRULE', async () => {
    const res = await post(teacher, '/api/v1/meetings', meeting({ recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10' })).expect(201);
    expect(res.body.recurrence).toBe('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: res.body.id })).toBe(3); // one per person per series
  });

  it('starts a series on the first date its rule matches, on create and on edit (same time, same length)', async () => {
    // Saturday 20 March 2027, 10:00–11:00 Berlin, every Monday and Thursday.
    const { body } = await post(
      teacher,
      '/api/v1/meetings',
      meeting({
        startsAt: '2027-03-20T10:00:00+01:00',
        endsAt: '2027-03-20T11:00:00+01:00',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12',
        invitees: [{ email: 'first@school.test' }],
      }),
    ).expect(201);
    expect([body.startsAt, body.endsAt]).toEqual(['2027-03-22T09:00:00.000Z', '2027-03-22T10:00:00.000Z']);
    const dates = async () =>
      (await teacher.get(`/api/v1/meetings/${body.id}/occurrences?from=2027-03-01T00:00:00Z&to=2027-12-01T00:00:00Z`).expect(200)).body.map(
        (o: { startsAt: string }) => o.startsAt,
      );
    const listed: string[] = await dates();
    expect(listed).toHaveLength(12);
    expect(listed[0]).toBe(body.startsAt);
    // Only Wednesdays from now on: the stored start follows, across the change to summer time (10:00 CEST).
    const edited = await patch(teacher, `/api/v1/meetings/${body.id}`, { recurrence: 'FREQ=WEEKLY;BYDAY=WE;COUNT=3', version: body.version }).expect(200);
    expect([edited.body.startsAt, edited.body.endsAt]).toEqual(['2027-03-24T09:00:00.000Z', '2027-03-24T10:00:00.000Z']);
    expect(await dates()).toEqual(['2027-03-24T09:00:00.000Z', '2027-03-31T08:00:00.000Z', '2027-04-07T08:00:00.000Z']);
  });

  it('schedules reminders before each occurrence, moves them on edit, and drops them on cancel or revoke', async () => {
    const start = new Date(Date.now() + 3 * 24 * 3600_000);
    start.setUTCMinutes(0, 0, 0);
    const { body } = await post(
      teacher,
      '/api/v1/meetings',
      meeting({
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 3600_000)),
        recurrence: 'FREQ=DAILY;COUNT=3',
        invitees: [{ email: 'r1@school.test' }, { email: 'r2@school.test' }],
      }),
    ).expect(201);
    const invitations = await dataSource.getRepository(Invitation).findBy({ meetingId: body.id });
    const reminders = () =>
      dataSource
        .getRepository(OutboxMessage)
        .find({ where: { invitationId: In(invitations.map((i) => i.id)), kind: 'reminder', status: 'pending' }, order: { notBefore: 'ASC' } });
    expect((await reminders()).map((r) => r.notBefore.toISOString())).toEqual(
      [0, 0, 1, 1, 2, 2].map((day) => new Date(start.getTime() + day * 24 * 3600_000 - 15 * 60_000).toISOString()),
    );
    await patch(teacher, `/api/v1/meetings/${body.id}`, { options: { reminderMinutes: 60 }, version: 1 }).expect(200);
    expect((await reminders())[0].notBefore.toISOString()).toBe(new Date(start.getTime() - 60 * 60_000).toISOString());
    await patch(teacher, `/api/v1/meetings/${body.id}/invitations/${invitations[0].id}`, { status: 'revoked' }).expect(200);
    expect((await reminders()).every((r) => r.invitationId === invitations[1].id)).toBe(true);
    await teacher.delete(`/api/v1/meetings/${body.id}`).set('x-csrf-token', csrf.get(teacher)!).expect(200);
    expect(await reminders()).toEqual([]);
  });

  it('lists the occurrences of a series and cancels or moves a single one', async () => {
    const monday = new Date('2027-03-15T07:00:00Z'); // 08:00 Berlin, a Monday; DST begins on 28 March 2027
    const { body } = await post(
      teacher,
      '/api/v1/meetings',
      meeting({
        startsAt: '2027-03-15T08:00:00+01:00',
        endsAt: '2027-03-15T08:45:00+01:00',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4',
        invitees: [{ email: 'o@school.test' }],
      }),
    ).expect(201);
    const list = await teacher.get(`/api/v1/meetings/${body.id}/occurrences?from=2027-03-01T00:00:00Z&to=2027-05-01T00:00:00Z`).expect(200);
    expect(list.body.map((o: { startsAt: string }) => o.startsAt)).toEqual([
      monday.toISOString(),
      '2027-03-22T07:00:00.000Z',
      '2027-03-29T06:00:00.000Z',
      '2027-04-05T06:00:00.000Z',
    ]);
    await patch(teacher, `/api/v1/meetings/${body.id}/occurrences/2027-03-22T07:00:00.000Z`, { cancelled: true, version: 1 }).expect(200);
    await patch(teacher, `/api/v1/meetings/${body.id}/occurrences/2027-03-29T06:00:00.000Z`, {
      startsAt: '2027-03-30T10:00:00+02:00',
      endsAt: '2027-03-30T11:00:00+02:00',
      version: 2,
    }).expect(200);
    await patch(teacher, `/api/v1/meetings/${body.id}/occurrences/2027-03-23T07:00:00.000Z`, { cancelled: true, version: 3 }).expect(400);
    const after = await teacher.get(`/api/v1/meetings/${body.id}/occurrences?from=2027-03-01T00:00:00Z&to=2027-05-01T00:00:00Z`).expect(200);
    expect(after.body.map((o: { startsAt: string; cancelled: boolean }) => [o.startsAt, o.cancelled])).toEqual([
      [monday.toISOString(), false],
      ['2027-03-22T07:00:00.000Z', true],
      ['2027-03-30T08:00:00.000Z', false],
      ['2027-04-05T06:00:00.000Z', false],
    ]);
    const [invitation] = await dataSource.getRepository(Invitation).findBy({ meetingId: body.id });
    expect(await dataSource.getRepository(OutboxMessage).countBy({ invitationId: invitation.id, kind: 'update' })).toBe(2);
  });

  it('refuses a bad list filter, occurrence range or invitation change with the field and its message; ignores unknown query parameters', async () => {
    const fields = (res: { body: { details: { field: string; messages: string[] }[] } }) => res.body.details;
    expect(fields(await teacher.get('/api/v1/meetings?when=soon').expect(400))).toEqual([{ field: 'when', messages: ['when must be upcoming or past'] }]);
    expect(fields(await teacher.get('/api/v1/meetings?when=').expect(400))).toEqual([{ field: 'when', messages: ['when must be upcoming or past'] }]);
    await teacher.get('/api/v1/meetings?when=past&pageSize=50&page=').expect(200);
    await teacher.get(`/api/v1/meetings?q=${'x'.repeat(300)}`).expect(200);
    const { body } = await post(teacher, '/api/v1/meetings', meeting({ invitees: [{ email: 'range@school.test' }] })).expect(201);
    const RANGE = [{ field: 'from', messages: ['from and to must be ISO dates, from before to, at most 800 days apart'] }];
    for (const query of [
      'from=nonsense',
      'to=nonsense',
      'from=2027-05-01T00:00:00Z&to=2027-03-01T00:00:00Z',
      'from=2027-01-01T00:00:00Z&to=2030-01-01T00:00:00Z',
      // From now (the default) back to 2020.
      'to=2020-01-01T00:00:00Z',
    ]) {
      expect({ query, details: fields(await teacher.get(`/api/v1/meetings/${body.id}/occurrences?${query}`).expect(400)) }).toEqual({ query, details: RANGE });
    }
    await teacher.get(`/api/v1/meetings/${body.id}/occurrences?from=&to=&other=1`).expect(200);
    const invitation = body.invitations[0].id;
    const change = (changes: object) => patch(teacher, `/api/v1/meetings/${body.id}/invitations/${invitation}`, changes);
    expect(fields(await change({}).expect(400))).toEqual([{ field: 'role', messages: ['give a role or status'] }]);
    expect(fields(await change({ role: null, status: null }).expect(400))).toEqual([{ field: 'role', messages: ['give a role or status'] }]);
    expect(fields(await change({ role: 'owner' }).expect(400))).toEqual([{ field: 'role', messages: ['role must be participant or moderator'] }]);
    expect(fields(await change({ status: 'sent' }).expect(400))).toEqual([{ field: 'status', messages: ['status can only be set to revoked'] }]);
    expect((await change({ role: 'moderator' }).expect(200)).body).toMatchObject({ role: 'moderator', status: 'pending' });
    expect((await change({ role: null, status: 'revoked' }).expect(200)).body).toMatchObject({ role: 'moderator', status: 'revoked' });
  });
});
