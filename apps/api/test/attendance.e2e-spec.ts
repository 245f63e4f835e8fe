import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { JitsiEventsSecrets, JitsiServersService } from '@moderato/jitsi';
import { User } from '@moderato/identity';
import { PresenceInterval, RetentionService } from '@moderato/meetings';
import { PolicyService } from '@moderato/policy';
import { created, destroyed, jidOf, joined, left, post, type OccupantFacts } from './presence-events';
import { startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** Events as event_sync posts them → attendance per date, right to the second → API, CSV, pages. */
describe('attendance per date from presence events', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let teacher: TestAgent;
  let csrf: string;
  let secret: string;
  let apiPath: string;
  let meeting: { id: string; roomName: string };
  let ids: Record<string, string>;
  // The lesson starts at s0 (whole seconds), 45 minutes.
  const s0 = Math.floor(Date.now() / 60_000) * 60 + 600; // meetings start on a whole minute
  const clock = new FixedClock(new Date((s0 - 600) * 1000));
  const at = (offset: number) => new Date((s0 + offset) * 1000);
  const send = (path: string, body: string) => post(env.api.server, apiPath, path, body, secret).expect(204);

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    dataSource = env.api.app.get(DataSource);
    const { server } = await env.api.app
      .get(JitsiServersService)
      .create(
        { name: 'Jitsi', baseUrl: 'https://meet.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' },
        { id: null, label: 'test' },
      );
    ({ secret } = await env.api.app.get(JitsiEventsSecrets).rotate(server.id, { id: null, label: 'test' }));
    apiPath = `/jitsi/${server.id}`;
    for (const email of ['student@school.test', 'teacher2@school.test', 'student2@school.test']) await env.signIn(email);
    teacher = await env.signIn('teacher@school.test');
    csrf = await env.csrf(teacher);
    const users = await dataSource.getRepository(User).find();
    ids = Object.fromEntries(users.map((u) => [u.email, u.id]));
    const res = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Maths 7b',
        serverId: server.id,
        startsAt: iso(at(0)),
        endsAt: iso(at(45 * 60)),
        timezone: 'Europe/Berlin',
        invitees: [
          { email: 'student@school.test', name: 'Sam Student' },
          { email: 'teacher2@school.test', name: 'Tina Teacher', role: 'moderator' },
          { email: 'student2@school.test', name: 'Sara Student' },
        ],
      })
      .expect(201);
    meeting = res.body;
  });
  afterAll(async () => {
    await env?.close();
  });

  const person = (email: string, name: string) => ({ id: ids[email], name, email });
  const room = () => meeting.roomName.toUpperCase(); // Prosody may send it in any case; stored lower-case.

  it('records a lesson as the component reports it and answers who is in the room now', async () => {
    const tom = { jid: jidOf(randomUUID(), 'tom1'), joined: s0 - 60, user: person('teacher@school.test', 'Tom Teacher') };
    const sam = (resource: string, joinedAt: number, leftAt?: number): OccupantFacts => ({
      jid: jidOf('5a3c0e9e-0000-4000-8000-000000000001', resource),
      joined: joinedAt,
      ...(leftAt ? { left: leftAt } : {}),
      user: person('student@school.test', 'Sam Student'),
    });
    const guest = (n: number, joinedAt: number, leftAt: number): OccupantFacts => ({
      jid: jidOf(`9e5e0000-0000-4000-8000-00000000000${n}`, `g${n}`),
      joined: joinedAt,
      left: leftAt,
      user: { id: `guest-00000000-${n}abcdef01`, name: 'Gina Guest', email: '' },
    });
    await send('room/created', created(room(), s0 - 60));
    await send('occupant/joined', joined(room(), tom, 1));
    await send('occupant/joined', joined(room(), sam('phone', s0), 2));
    // Tina's joined event was lost: her left (with joined_at) is all there is.
    await send(
      'occupant/left',
      left(room(), { jid: jidOf(randomUUID(), 'tina'), joined: s0 + 50, left: s0 + 350, user: person('teacher2@school.test', 'Tina Teacher') }, 2),
    );
    await send('occupant/joined', joined(room(), guest(1, s0 + 100, s0 + 400), 3));
    await send('occupant/left', left(room(), guest(1, s0 + 100, s0 + 400), 2));
    await send('occupant/left', left(room(), guest(2, s0 + 450, s0 + 500), 2)); // a second guest connection: left only
    await send('occupant/left', left(room(), sam('phone', s0, s0 + 600), 1));
    await send('occupant/left', left(room(), sam('phone', s0, s0 + 600), 1)); // a retry
    await send('occupant/joined', joined(room(), sam('laptop', s0 + 900), 2));
    await send('occupant/joined', joined(room(), sam('tablet', s0 + 1000), 3)); // a second device, overlapping
    await send('occupant/left', left(room(), sam('tablet', s0 + 1000, s0 + 1100), 2));
    // Sam goes to a breakout room and back: his time there counts for the lesson.
    await send('occupant/left', left(room(), sam('laptop', s0 + 900, s0 + 1200), 1));
    await send('room/created', created(room(), s0 + 1200, 'b-7b-group-1'));
    await send('occupant/joined', joined(room(), sam('laptop', s0 + 1200), 1, 'b-7b-group-1'));

    clock.set(at(1300));
    const live = await teacher.get(`/api/v1/meetings/${meeting.id}/live`).expect(200);
    expect(live.body).toEqual({ reports: true, count: 2, names: ['Tom Teacher', 'Sam Student'] });

    await send('occupant/left', left(room(), sam('laptop', s0 + 1200, s0 + 1500), 0, 'b-7b-group-1'));
    await send('room/destroyed', destroyed(room(), s0 + 1200, s0 + 1500, [sam('laptop', s0 + 1200, s0 + 1500)], 'b-7b-group-1'));
    await send('occupant/joined', joined(room(), sam('laptop', s0 + 1500), 2));
    await send('occupant/left', left(room(), sam('laptop', s0 + 1500, s0 + 2000), 1));
    // Tom empties the room: destroyed comes first, without his left_at; his left follows.
    await send('room/destroyed', destroyed(room(), s0 - 60, s0 + 2701, [tom, sam('laptop', s0 + 1500, s0 + 2000)]));
    await send('occupant/left', left(room(), { ...tom, left: s0 + 2700 }, 0));
    clock.set(at(3600));
    expect((await teacher.get(`/api/v1/meetings/${meeting.id}/live`).expect(200)).body).toEqual({ reports: true, count: 0, names: [] });
  });

  it('GET /api/v1/meetings/:id/attendance: attendance right to the second, guests by name, the invited who never came', async () => {
    const res = await teacher
      .get(`/api/v1/meetings/${meeting.id}/attendance`)
      .query({ occurrence: at(0).toISOString() })
      .expect(200);
    expect(res.body.occurrence).toBe(at(0).toISOString());
    expect(res.body.attendees).toEqual([
      {
        userId: ids['teacher@school.test'],
        email: 'teacher@school.test',
        name: 'Tom Teacher',
        role: 'organizer',
        firstJoinedAt: at(-60).toISOString(),
        lastLeftAt: at(2700).toISOString(),
        seconds: 2760,
        connections: 1,
        present: false,
      },
      {
        userId: ids['student@school.test'],
        email: 'student@school.test',
        name: 'Sam Student',
        role: 'participant',
        firstJoinedAt: at(0).toISOString(),
        lastLeftAt: at(2000).toISOString(),
        seconds: 600 + 300 + 300 + 500,
        connections: 5,
        present: false,
      },
      {
        userId: ids['teacher2@school.test'],
        email: 'teacher2@school.test',
        name: 'Tina Teacher',
        role: 'moderator',
        firstJoinedAt: at(50).toISOString(),
        lastLeftAt: at(350).toISOString(),
        seconds: 300,
        connections: 1,
        present: false,
      },
      {
        userId: null,
        email: '',
        name: 'Gina Guest',
        role: 'guest',
        firstJoinedAt: at(100).toISOString(),
        lastLeftAt: at(500).toISOString(),
        seconds: 350,
        connections: 2,
        present: false,
      },
    ]);
    expect(res.body.absent).toEqual([{ email: 'student2@school.test', name: 'Sara Student', role: 'participant' }]);
    await teacher
      .get(`/api/v1/meetings/${meeting.id}/attendance`)
      .query({ occurrence: at(60).toISOString() })
      .expect(400);
    await teacher.get(`/api/v1/meetings/${meeting.id}/attendance`).expect(400);
  });

  it('the CSV and the page say the same; every export is audited', async () => {
    const csv = await teacher
      .get(`/meetings/${meeting.id}/attendance.csv`)
      .query({ occurrence: at(0).toISOString() })
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="attendance-.*\.csv"/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('occurrence,status,name,email,role,first_joined_at,last_left_at,seconds,connections');
    expect(lines).toContain(
      `${at(0).toISOString()},attended,Sam Student,student@school.test,participant,${at(0).toISOString()},${at(2000).toISOString()},1700,5`,
    );
    expect(lines).toContain(`${at(0).toISOString()},absent,Sara Student,student2@school.test,participant,,,0,0`);
    const api = await teacher
      .get(`/api/v1/meetings/${meeting.id}/attendance.csv`)
      .query({ occurrence: at(0).toISOString() })
      .expect(200);
    expect(api.text).toBe(csv.text);
    const exports = await dataSource.getRepository(AuditEvent).findBy({ action: 'attendance.exported', subjectId: meeting.id });
    expect(exports.map((e) => e.metadata.format).sort()).toEqual(['csv', 'csv', 'json']);
    const page = await teacher.get(`/meetings/${meeting.id}/attendance`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('data-attendee="student@school.test" data-seconds="1700"');
    expect(page.text).toContain('data-absent="student2@school.test"');
    const de = await teacher.get(`/meetings/${meeting.id}/attendance`).set('Accept-Language', 'de').expect(200);
    expect(de.text).toContain('Eingeladen, nie gekommen (1)');
    const show = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(show.text).toContain('data-joined-means="presence"');
    expect(show.text).toContain('In the room (last date)');
    const joinedOf = (email: string) => new RegExp(`data-invitee="${email}"[\\s\\S]*?<td [^>]*data-joined>(\\w+)</td>`).exec(show.text)?.[1];
    expect([joinedOf('student@school.test'), joinedOf('teacher2@school.test'), joinedOf('student2@school.test')]).toEqual(['yes', 'yes', 'no']);
    expect(show.text).toContain(`data-live="/api/v1/meetings/${meeting.id}/live"`);
  });

  it('only the organizer, co-moderators and admins see it: a pupil is refused (403) everywhere', async () => {
    const student = await env.signIn('student@school.test');
    const q = { occurrence: at(0).toISOString() };
    await student.get(`/api/v1/meetings/${meeting.id}/attendance`).query(q).expect(403);
    await student.get(`/api/v1/meetings/${meeting.id}/attendance.csv`).query(q).expect(403);
    await student.get(`/meetings/${meeting.id}/attendance.csv`).query(q).expect(403);
    await student.get(`/meetings/${meeting.id}/attendance`).query(q).expect(403);
    await student.get(`/api/v1/meetings/${meeting.id}/live`).expect(403);
    const coModerator = await env.signIn('teacher2@school.test');
    expect((await coModerator.get(`/api/v1/meetings/${meeting.id}/attendance`).query(q).expect(200)).body.attendees).toHaveLength(4);
    const admin = await env.signIn('admin@school.test');
    await admin.get(`/api/v1/meetings/${meeting.id}/attendance`).query(q).expect(200);
    await teacher.get(`/api/v1/meetings/${randomUUID()}/attendance`).query(q).expect(404);
  });

  it("a person's export lists their presence, and deleting them deletes it", async () => {
    const admin = await env.signIn('admin@school.test');
    const adminCsrf = await env.csrf(admin);
    const tinaId = ids['teacher2@school.test'];
    const exported = await admin.get(`/api/v1/admin/users/${tinaId}/export`).expect(200);
    expect(exported.body.presence).toEqual([
      expect.objectContaining({
        roomName: meeting.roomName,
        name: 'Tina Teacher',
        email: 'teacher2@school.test',
        joinedAt: at(50).toISOString(),
        leftAt: at(350).toISOString(),
      }),
    ]);
    const deleted = await admin.delete(`/api/v1/admin/users/${tinaId}`).set('x-csrf-token', adminCsrf).send({}).expect(200);
    expect(deleted.body.presenceIntervals).toBe(1);
    expect(await dataSource.getRepository(PresenceInterval).countBy({ email: 'teacher2@school.test' })).toBe(0);
  });

  it('the retention pass deletes presence older than retentionAttendanceDays (policy, default 180)', async () => {
    const policy = env.api.app.get(PolicyService);
    expect((await policy.current()).retentionAttendanceDays).toBe(180);
    const admin = await env.signIn('admin@school.test');
    const page = await admin.get('/admin/policy').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('name="retentionAttendanceDays"');
    await policy.update({ retentionAttendanceDays: 30 }, { id: null, label: 'test' });
    const count = () => dataSource.getRepository(PresenceInterval).countBy({ roomName: meeting.roomName });
    expect(await count()).toBe(8);
    clock.set(at(29 * 86400));
    expect((await env.api.app.get(RetentionService).runOnce())?.presenceIntervals).toBe(0);
    clock.set(at(31 * 86400));
    expect((await env.api.app.get(RetentionService).runOnce())?.presenceIntervals).toBe(8);
    expect(await count()).toBe(0);
  });
});
