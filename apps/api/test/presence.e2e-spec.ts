import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { User } from '@moderato/identity';
import { PresenceInterval } from '@moderato/meetings';
import { created, destroyed, jidOf, joined, left, post } from './presence-events';
import { startSignedInApi, type SignedInApi } from './signed-in';

const METRICS_TOKEN = 'presence-metrics-token-0123456789abcdef';

/** Events from Jitsi's event_sync component: the secret, what is accepted and refused, and how. */
describe('presence events (event_sync): the events secret and the endpoints', () => {
  let env: SignedInApi;
  let admin: TestAgent;
  let csrf: string;
  let dataSource: DataSource;
  let serverId: string;
  let secret: string;
  let apiPath: string;
  /** Jitsi room names of permanent rooms on the server (events for other rooms are refused). */
  const rooms: Record<'maths' | 'dups' | 'ending', string> = { maths: '', dups: '', ending: '' };
  const clock = new FixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const rows = () => dataSource.getRepository(PresenceInterval).count();
  const now = () => Math.floor(clock.now().getTime() / 1000);

  beforeAll(async () => {
    env = await startSignedInApi({ clock, env: { METRICS_TOKEN } });
    dataSource = env.api.app.get(DataSource);
    admin = await env.signIn('admin@school.test');
    csrf = await env.csrf(admin);
    const server = await admin
      .post('/api/v1/servers')
      .set('x-csrf-token', csrf)
      .send({ name: 'Events Jitsi', baseUrl: 'https://meet.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' })
      .expect(201);
    serverId = server.body.id;
    apiPath = `/jitsi/${serverId}`;
    for (const name of ['maths', 'dups', 'ending'] as const) {
      const room = await admin
        .post('/api/v1/admin/rooms')
        .set('x-csrf-token', csrf)
        .send({ name: `Room ${name}`, serverId, access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }] })
        .expect(201);
      rooms[name] = room.body.roomName;
    }
  });
  afterAll(async () => {
    await env?.close();
  });

  it('without a secret the server is refused (403); the admin creates one, shown once with api_prefix and the Component block; stored as a hash; audited without it', async () => {
    await post(env.api.server, apiPath, 'occupant/joined', joined(rooms.maths, { jid: jidOf(randomUUID(), 'a1'), joined: now() }, 1), 'anything').expect(403);
    const res = await admin.post(`/api/v1/admin/servers/${serverId}/events-secret`).set('x-csrf-token', csrf).expect(201);
    secret = res.body.secret;
    expect(res.body.apiPrefix).toBe(`http://localhost:3000/jitsi/${serverId}`);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const docker = res.body.prosody.find((s: { id: string }) => s.id === 'docker');
    expect(docker.lines).toEqual([
      'Component "event_sync.meet.jitsi" "event_sync_component"',
      '    muc_component = "muc.meet.jitsi"',
      '    breakout_component = "breakout.meet.jitsi"',
      '    muc_mapper_domain_base = "meet.jitsi"',
      `    api_prefix = "http://localhost:3000/jitsi/${serverId}"`,
      `    api_headers = { ["Authorization"] = "Bearer ${secret}" }`,
      '    include_user_info = false',
      '    api_timeout = 10',
      '    api_retry_count = 5',
    ]);
    expect(docker.install.join('\n')).toContain('https://raw.githubusercontent.com/jitsi-contrib/prosody-plugins/main/event_sync/mod_event_sync_component.lua');
    const debian = res.body.prosody.find((s: { id: string }) => s.id === 'debian');
    expect(debian.lines[1]).toBe('    muc_component = "conference.meet.jitsi"');
    const [stored] = await dataSource.query('SELECT events_secret_hash FROM jitsi_servers WHERE id = $1', [serverId]);
    expect(stored.events_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.events_secret_hash).not.toContain(secret);
    const audit = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'jitsi.events_secret_set', subjectId: serverId });
    expect(JSON.stringify(audit)).not.toContain(secret);
    // The REST view says a secret is set, never which.
    const view = await admin.get(`/api/v1/servers/${serverId}`).expect(200);
    expect(view.body.eventsSecretSet).toBe(true);
    expect(JSON.stringify(view.body)).not.toContain(secret);
  });

  it('the server page offers the secret; replacing it asks first (a form, no JavaScript) and the old one stops working at once', async () => {
    const page = await admin.get(`/admin/servers/${serverId}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('data-presence-events');
    expect(page.text).toContain('Replace events secret');
    const confirm = await admin.get(`/admin/servers/${serverId}/events-secret`).set('Accept-Language', 'en').expect(200);
    expect(confirm.text).toContain('Yes, replace it');
    expect(confirm.text).toContain('event_sync_component');
    expect(confirm.text).not.toContain(secret);
    const old = secret;
    const replaced = await admin.post(`/admin/servers/${serverId}/events-secret`).type('form').send({ _csrf: csrf }).set('Accept-Language', 'en').expect(200);
    secret = /Bearer ([A-Za-z0-9_-]{43})/.exec(replaced.text)![1];
    expect(secret).not.toBe(old);
    expect(replaced.text).toContain('shown only this once');
    const body = joined(rooms.maths, { jid: jidOf(randomUUID(), 'r1'), joined: now() }, 1);
    await post(env.api.server, apiPath, 'occupant/joined', body, old).expect(401);
    await post(env.api.server, apiPath, 'occupant/joined', body, secret).expect(204);
  });

  it('refuses a wrong or missing secret (401), an unknown server (404), a malformed body (400) — nothing stored, all counted, the secret never logged', async () => {
    const before = await rows();
    const body = joined('physics', { jid: jidOf(randomUUID(), 'x1'), joined: now(), user: { id: 'u', name: 'N', email: 'n@school.test' } }, 1);
    await post(env.api.server, apiPath, 'occupant/joined', body, `${secret}x`).expect(401);
    await post(env.api.server, apiPath, 'occupant/joined', body, null).expect(401);
    await post(env.api.server, `/jitsi/${randomUUID()}`, 'occupant/joined', body, secret).expect(404);
    await post(env.api.server, '/jitsi/not-a-uuid', 'occupant/joined', body, secret).expect(404);
    await post(env.api.server, apiPath, 'occupant/renamed', body, secret).expect(404);
    const malformed: [string, string][] = [
      ['occupant/joined', '[]'],
      ['occupant/joined', '{"event_name":"muc-occupant-joined","room_name":"physics"}'],
      ['occupant/joined', joined('physics', { jid: 'not a jid', joined: now() }, 1)],
      ['occupant/joined', joined('physics', { jid: jidOf(randomUUID(), 'ms'), joined: Date.now() }, 1)],
      ['occupant/joined', '{"room_name":"physics","is_breakout":true,"occupant":{"occupant_jid":"a@b/c","joined_at":1800000000}}'],
      ['occupant/left', left('physics', { jid: jidOf(randomUUID(), 'nl'), joined: now() }, 0)],
      ['room/destroyed', '{"room_name":"physics","destroyed_at":"yesterday","all_occupants":{}}'],
    ];
    for (const [path, text] of malformed) {
      const res = await post(env.api.server, apiPath, path, text, secret);
      expect([res.status, res.body.code, text]).toEqual([400, 'MALFORMED', text]);
    }
    await request(env.api.server)
      .post(`${apiPath}/events/occupant/joined`)
      .set('Authorization', `Bearer ${secret}`)
      .set('Content-Type', 'application/json')
      .send('{"room_name":')
      .expect(400);
    expect(await rows()).toBe(before);
    const metrics = (await request(env.api.server).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
    expect(metrics).toMatch(/moderato_presence_events_total\{event="occupant_joined",result="bad_secret"\} 3/);
    expect(metrics).toMatch(/moderato_presence_events_total\{event="occupant_joined",result="unknown_server"\} 2/);
    expect(metrics).toMatch(/moderato_presence_events_total\{event="occupant_joined",result="malformed"\} [1-9]/);
    expect(metrics).toMatch(/moderato_presence_events_total\{event="occupant_joined",result="no_secret"\} 1/);
    expect(env.api.logs.text()).not.toContain(secret);
  });

  it('refuses events for a room that is no meeting and no permanent room of the server (404, counted, nothing stored)', async () => {
    const before = await rows();
    const res = await post(
      env.api.server,
      apiPath,
      'occupant/joined',
      joined('somebody-elses-room', { jid: jidOf(randomUUID(), 'u1'), joined: now() }, 1),
      secret,
    ).expect(404);
    expect(res.body.code).toBe('UNKNOWN_ROOM');
    await post(env.api.server, apiPath, 'room/created', created('somebody-elses-room', now()), secret).expect(404);
    expect(await rows()).toBe(before);
    const metrics = (await request(env.api.server).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
    expect(metrics).toMatch(/moderato_presence_events_total\{event="occupant_joined",result="unknown_room"\} 1/);
  });

  it('a room nobody joined ends with "all_occupants":{} (accepted); created and destroyed are idempotent', async () => {
    const before = await rows();
    for (let i = 0; i < 2; i++) {
      await post(env.api.server, apiPath, 'room/created', created(rooms.maths, now()), secret).expect(204);
      await post(env.api.server, apiPath, 'room/destroyed', destroyed(rooms.maths, now(), now() + 5, []), secret).expect(204);
    }
    expect(await rows()).toBe(before);
  });

  it('duplicates and retries land on one row; a left before its joined, and a left without any joined, still make one closed interval', async () => {
    const jid = jidOf(randomUUID(), 'dup');
    const user = { id: randomUUID(), name: 'Dora Dup', email: 'dora@school.test', avatar: 'https://x.test/a.png', moderator: false, affiliation: 'member' };
    const t = now();
    await post(env.api.server, apiPath, 'occupant/left', left(rooms.dups, { jid, joined: t, left: t + 90, user }, 0), secret).expect(204);
    for (let i = 0; i < 3; i++)
      await post(env.api.server, apiPath, 'occupant/joined', joined(rooms.dups.toUpperCase(), { jid, joined: t, user }, 1), secret).expect(204);
    await post(env.api.server, apiPath, 'occupant/left', left(rooms.dups, { jid, joined: t, left: t + 90, user }, 0), secret).expect(204);
    const lone = jidOf(randomUUID(), 'lone');
    await post(env.api.server, apiPath, 'occupant/left', left(rooms.dups, { jid: lone, left: t + 30 }, 0), secret).expect(204);
    const found = await dataSource.getRepository(PresenceInterval).find({ where: { serverId, roomName: rooms.dups }, order: { joinedAt: 'ASC' } });
    expect(found.map((r) => [r.occupantJid, r.name, r.joinedAt.getTime() / 1000, r.leftAt!.getTime() / 1000, r.leftBy])).toEqual([
      [jid, 'Dora Dup', t, t + 90, 'left'],
      [lone, '', t + 30, t + 30, 'left'],
    ]);
    expect(found[0].userId).toBe(user.id);
  });

  it("room destroyed before the last user's left closes them at its time; the late left then sets the real time; destroyed closes everyone still open", async () => {
    const t = now();
    const last = { jid: jidOf(randomUUID(), 'last'), joined: t, user: { id: randomUUID(), name: 'Lou Last', email: 'lou@school.test' } };
    const lost = { jid: jidOf(randomUUID(), 'lost'), joined: t + 1, user: { id: randomUUID(), name: 'Lia Lost', email: 'lia@school.test' } };
    await post(env.api.server, apiPath, 'occupant/joined', joined(rooms.ending, last, 1), secret).expect(204);
    await post(env.api.server, apiPath, 'occupant/joined', joined(rooms.ending, lost, 2), secret).expect(204);
    // The destroyed event lists only `last` (lost's data lost too), without left_at.
    await post(env.api.server, apiPath, 'room/destroyed', destroyed(rooms.ending, t, t + 600, [last]), secret).expect(204);
    const read = async () =>
      (await dataSource.getRepository(PresenceInterval).find({ where: { serverId, roomName: rooms.ending }, order: { joinedAt: 'ASC' } })).map((r) => [
        r.name,
        r.leftAt!.getTime() / 1000,
        r.leftBy,
      ]);
    expect(await read()).toEqual([
      ['Lou Last', t + 600, 'destroyed'],
      ['Lia Lost', t + 600, 'destroyed'],
    ]);
    await post(env.api.server, apiPath, 'occupant/left', left(rooms.ending, { ...last, left: t + 599 }, 0), secret).expect(204);
    await post(env.api.server, apiPath, 'room/destroyed', destroyed(rooms.ending, t, t + 600, [last]), secret).expect(204);
    expect(await read()).toEqual([
      ['Lou Last', t + 599, 'left'],
      ['Lia Lost', t + 600, 'destroyed'],
    ]);
  });

  it('a permanent room: who is in it now shows on the admin dashboard, its API and the rooms list', async () => {
    const room = await admin
      .post('/api/v1/admin/rooms')
      .set('x-csrf-token', csrf)
      .send({ name: 'Staff room', serverId, access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }] })
      .expect(201);
    const tina = { jid: jidOf(randomUUID(), 'staff'), joined: now(), user: { id: randomUUID(), name: 'Tina Teacher', email: 'teacher2@school.test' } };
    await post(env.api.server, apiPath, 'occupant/joined', joined(room.body.roomName, tina, 1), secret).expect(204);
    const live = await admin.get('/api/v1/admin/live').expect(200);
    expect(live.body.rooms).toContainEqual(
      expect.objectContaining({ kind: 'permanent_room', id: room.body.id, title: 'Staff room', count: 1, names: ['Tina Teacher'] }),
    );
    const list = await admin.get('/admin/rooms').set('Accept-Language', 'en').expect(200);
    expect(list.text).toContain('data-room-live="1">1: Tina Teacher');
    const dashboard = await admin.get('/admin').set('Accept-Language', 'en').expect(200);
    expect(dashboard.text).toContain(`href="/admin/rooms/${room.body.id}/edit">Staff room</a>: 1 — Tina Teacher`);
    // The room's moderators (teachers) see it on their start page and /rooms, refreshed from /rooms/<slug>/live;
    // a pupil, not on the list, does not, and gets 404 from the live address.
    const teacher = await env.signIn('teacher@school.test');
    const home = await teacher.get('/').set('Accept-Language', 'en').expect(200);
    expect(home.text).toContain(`data-live="/rooms/${room.body.slug}/live"`);
    expect(home.text).toMatch(/data-live-count="1"[^>]*>1 person in the room<\/span>\s*<ul class="live-names" data-live-names><li>Tina Teacher<\/li><\/ul>/);
    expect((await teacher.get('/rooms').set('Accept-Language', 'de').expect(200)).text).toContain('1 Person im Raum');
    expect((await teacher.get(`/rooms/${room.body.slug}/live`).expect(200)).body).toEqual({ count: 1, names: ['Tina Teacher'] });
    const pupil = await env.signIn('student@school.test');
    await pupil.get(`/rooms/${room.body.slug}/live`).expect(404);
    expect((await pupil.get('/').expect(200)).text).not.toContain('Tina Teacher');

    await post(env.api.server, apiPath, 'occupant/left', left(room.body.roomName, { ...tina, left: now() + 60 }, 0), secret).expect(204);
    expect((await admin.get('/api/v1/admin/live').expect(200)).body.rooms).not.toContainEqual(expect.objectContaining({ id: room.body.id }));
    expect((await teacher.get(`/rooms/${room.body.slug}/live`).expect(200)).body).toEqual({ count: 0, names: [] });
  });

  it("the events never need a session or a CSRF token, and a user's session cookie does not help", async () => {
    const student = await env.signIn('student@school.test');
    await student
      .post(`${apiPath}/events/occupant/joined`)
      .set('Content-Type', 'application/json')
      .send(joined('x', { jid: jidOf(randomUUID(), 's'), joined: now() }, 1))
      .expect(401);
    expect(await dataSource.getRepository(User).countBy({ email: 'student@school.test' })).toBe(1);
  });
});
