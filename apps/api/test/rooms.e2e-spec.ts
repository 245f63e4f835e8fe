import { jwtVerify } from 'jose';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource, Like } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { PermanentRoom } from '@moderato/rooms';
import { loginThroughIdp } from '@moderato/testing';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const decodeJwt = (url: string) => {
  const token = new URL(url).searchParams.get('jwt')!;
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { token, header, payload };
};

type Method = 'get' | 'post' | 'patch' | 'delete';
const send = (agent: TestAgent, method: Method, path: string) => (agent as unknown as Record<Method, (p: string) => request.Test>)[method](path);

describe('permanent rooms: admin pages and API, /r/<slug> with the real dev IdP', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let server: JitsiServer;
  let secret: string;
  let admin: TestAgent;
  let adminCsrf: string;
  let teacher: TestAgent;
  let student: TestAgent;

  beforeAll(async () => {
    env = await startSignedInApi({ env: { TOKEN_MAX_TTL_MINUTES: '60' } });
    dataSource = env.api.app.get(DataSource);
    server = await registerJitsiServer(env.api);
    secret = await env.api.app.get(JitsiServersService).revealSecret(server.id, { id: null, label: 'test' });
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
    teacher = await env.signIn('teacher@school.test');
    student = await env.signIn('student@school.test');
  });
  afterAll(async () => {
    await env?.close();
  });

  const createRoom = (body: object) => admin.post('/api/v1/admin/rooms').set('x-csrf-token', adminCsrf).send(body);
  const roomCount = () => dataSource.getRepository(PermanentRoom).count();
  const auditCount = (action: string, actorLabel?: string) => dataSource.getRepository(AuditEvent).countBy({ action, ...(actorLabel ? { actorLabel } : {}) });

  describe('access by group (Must show)', () => {
    let staffRoom: { id: string; slug: string; roomName: string; url: string };

    beforeAll(async () => {
      const res = await createRoom({
        name: 'Staff room',
        serverId: server.id,
        access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }],
      }).expect(201);
      staffRoom = res.body;
    });

    it('the API answers with the room, its address and its Jitsi room name', () => {
      expect(staffRoom).toMatchObject({
        name: 'Staff room',
        slug: 'staff-room',
        url: 'http://localhost:3000/r/staff-room',
        serverId: server.id,
        serverName: 'Jitsi',
        enabled: true,
        version: 1,
      });
      expect(staffRoom.roomName).toMatch(/^staff-room-[a-z2-9]{12}$/);
    });

    it('a dev-IdP user in group teachers is sent into Jitsi with a moderator token for exactly this room', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await teacher.get('/r/staff-room').expect(302);
      expect(res.headers.location).toMatch(new RegExp(`^https://meet\\.school\\.test/${staffRoom.roomName}\\?jwt=[^#]+#userInfo\\.displayName=`));
      expect(res.headers['cache-control']).toBe('no-store');
      const { token, header, payload } = decodeJwt(res.headers.location);
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(payload).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: staffRoom.roomName });
      expect(payload.context.user).toMatchObject({ email: 'teacher@school.test', name: 'Tom Teacher', moderator: true, affiliation: 'moderator' });
      expect(payload.exp).toBeGreaterThan(before);
      expect(payload.exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60 * 60);
      expect(payload.nbf).toBeLessThan(payload.exp);
      // Signed with the server's secret: Jitsi would accept it.
      await expect(jwtVerify(token, new TextEncoder().encode(secret), { audience: 'jitsi', issuer: 'moderato' })).resolves.toBeDefined();
      const issued = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'token.issued', subjectId: staffRoom.id });
      expect(issued).toMatchObject({ subjectType: 'permanent_room', actorLabel: 'teacher@school.test' });
      expect(issued.metadata).toMatchObject({ affiliation: 'moderator', room: staffRoom.roomName });
      expect(env.api.logs.text()).not.toMatch(/jwt=eyJ/);
    });

    it('a member entry gives a member token (moderator: false)', async () => {
      await createRoom({
        name: 'Teachers lounge',
        slug: 'lounge',
        serverId: server.id,
        access: [{ kind: 'group', value: '/Teachers', affiliation: 'member' }],
      }).expect(201);
      const res = await teacher.get('/r/lounge').expect(302);
      expect(decodeJwt(res.headers.location).payload.context.user).toMatchObject({ email: 'teacher@school.test', moderator: false, affiliation: 'member' });
    });

    it('a student (not in teachers) is refused with a 403 page in English or German, and gets no token', async () => {
      const issuedBefore = await auditCount('token.issued');
      const en = await student.get('/r/staff-room').set('Accept-Language', 'en').expect(403);
      expect(en.headers.location).toBeUndefined();
      expect(en.text).toContain('<h1>You are not on this room&#39;s list</h1>');
      expect(en.text).toContain('You are signed in as student@school.test.');
      expect(en.text).toContain('Switch account');
      expect(en.text).toContain('action="/auth/switch?returnTo=%2Fr%2Fstaff-room"');
      expect(en.text).not.toContain('jwt=');
      const de = await student.get('/r/staff-room').set('Accept-Language', 'de').expect(403);
      expect(de.text).toContain('Sie stehen nicht auf der Liste dieses Raums');
      expect(de.text).toContain('Konto wechseln');
      expect(await auditCount('token.issued')).toBe(issuedBefore);
      expect(
        await dataSource.getRepository(AuditEvent).countBy({ action: 'room.join_refused', subjectId: staffRoom.id, actorLabel: 'student@school.test' }),
      ).toBe(2);
    });

    it('signed out: sent to the login, and after signing in at the IdP back to the room and into Jitsi', async () => {
      const res = await request(env.api.server).get('/r/staff-room').expect(303);
      expect(res.headers.location).toBe('/auth/login?returnTo=%2Fr%2Fstaff-room');
      const agent = request.agent(env.api.server);
      const { callback } = await loginThroughIdp(agent, env.issuer, { email: 'teacher2@school.test', password: 'teacher2' }, { returnTo: '/r/staff-room' });
      expect(callback.status).toBe(303);
      expect(callback.headers.location).toBe('/r/staff-room');
      const into = await agent.get('/r/staff-room').expect(302);
      expect(decodeJwt(into.headers.location).payload.context.user).toMatchObject({ email: 'teacher2@school.test', affiliation: 'moderator' });
    });

    it('an unknown room is a 404 page', async () => {
      const res = await teacher.get('/r/no-such-room').set('Accept-Language', 'en').expect(404);
      expect(res.text).toContain('This room does not exist');
      await teacher.get('/r/Not%20A%20Slug').expect(404);
    });

    it('"My rooms" lists what the person may open, with the affiliation', async () => {
      const mine = await teacher.get('/rooms').set('Accept-Language', 'en').expect(200);
      expect(mine.text).toMatch(/data-my-room="staff-room" data-affiliation="moderator"/);
      expect(mine.text).toMatch(/data-my-room="lounge" data-affiliation="member"/);
      expect(mine.text).toContain('href="/r/staff-room"');
      const none = await student.get('/rooms').set('Accept-Language', 'en').expect(200);
      expect(none.text).not.toContain('data-my-room=');
      expect(none.text).toContain('No permanent room is open to you.');
    });
  });

  describe('access by user entry, closed rooms', () => {
    it('a listed person gets in by verified email; an unverified email is refused with a note', async () => {
      await createRoom({
        name: 'Student council',
        serverId: server.id,
        access: [
          { kind: 'user', value: 'Student2@school.test', affiliation: 'member' },
          { kind: 'user', value: 'unverified@school.test', affiliation: 'member' },
        ],
      }).expect(201);
      const student2 = await env.signIn('student2@school.test');
      const res = await student2.get('/r/student-council').expect(302);
      expect(decodeJwt(res.headers.location).payload.context.user).toMatchObject({ email: 'student2@school.test', moderator: false, affiliation: 'member' });
      const unverified = await env.signIn('unverified@school.test');
      const refused = await unverified.get('/r/student-council').set('Accept-Language', 'en').expect(403);
      expect(refused.text).toContain('has not confirmed your email address');
      await student.get('/r/student-council').expect(403);
    });

    it('a closed room, or a room on a disabled server, gives nobody a token', async () => {
      const { body: room } = await createRoom({
        name: 'Exam board',
        serverId: server.id,
        enabled: false,
        access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }],
      }).expect(201);
      const closed = await teacher.get('/r/exam-board').set('Accept-Language', 'en').expect(403);
      expect(closed.text).toContain('This room is closed at the moment');
      await admin
        .patch(`/api/v1/admin/rooms/${room.id}`)
        .set('x-csrf-token', adminCsrf)
        .set('If-Match', `"${room.version}"`)
        .send({ enabled: true })
        .expect(200);
      await teacher.get('/r/exam-board').expect(302);
      const servers = env.api.app.get(JitsiServersService);
      await servers.update(server.id, { enabled: false }, { id: null, label: 'test' });
      try {
        await teacher.get('/r/exam-board').expect(403);
      } finally {
        await servers.update(server.id, { enabled: true }, { id: null, label: 'test' });
      }
    });
  });

  describe('only admins (Must show)', () => {
    it('organizers and participants get 403 on every /admin/rooms page and /api/v1/admin/rooms route, and nothing changes', async () => {
      const { body: room } = await createRoom({
        name: 'Guarded',
        serverId: server.id,
        access: [{ kind: 'group', value: 'admins', affiliation: 'moderator' }],
      }).expect(201);
      const routes: [Method, string][] = [
        ['get', '/api/v1/admin/rooms'],
        ['post', '/api/v1/admin/rooms'],
        ['get', `/api/v1/admin/rooms/${room.id}`],
        ['patch', `/api/v1/admin/rooms/${room.id}`],
        ['delete', `/api/v1/admin/rooms/${room.id}`],
        ['get', '/admin/rooms'],
        ['get', '/admin/rooms/new'],
        ['post', '/admin/rooms'],
        ['get', `/admin/rooms/${room.id}/edit`],
        ['post', `/admin/rooms/${room.id}`],
        ['get', `/admin/rooms/${room.id}/delete`],
        ['post', `/admin/rooms/${room.id}/delete`],
      ];
      const body = {
        name: 'Hijacked',
        slug: 'hijacked',
        serverId: server.id,
        access: [{ kind: 'group', value: 'students', affiliation: 'moderator' }],
        version: room.version,
      };
      const roomsBefore = await roomCount();
      for (const [who, agent] of [
        ['teacher (organizer)', teacher],
        ['student (participant)', student],
      ] as const) {
        const csrf = await env.csrf(agent);
        for (const [method, path] of routes) {
          const res = await send(agent, method, path)
            .set('x-csrf-token', csrf)
            .set('Accept-Language', 'en')
            .send(path.startsWith('/api') ? body : { ...body, _csrf: csrf, access: 'group:students moderator' });
          const refusedBy = path.startsWith('/api')
            ? res.body.code
            : res.text.includes('Your account does not have the role this page needs.')
              ? 'ROLE_REQUIRED'
              : res.text.slice(0, 200);
          expect({ who, method, path, status: res.status, refusedBy }).toEqual({ who, method, path, status: 403, refusedBy: 'ROLE_REQUIRED' });
        }
      }
      expect(await roomCount()).toBe(roomsBefore);
      const stored = await dataSource.getRepository(PermanentRoom).findOneByOrFail({ id: room.id });
      expect(stored).toMatchObject({
        name: 'Guarded',
        slug: 'guarded',
        version: room.version,
        access: [{ kind: 'group', value: 'admins', affiliation: 'moderator' }],
      });
      for (const label of ['teacher@school.test', 'student@school.test']) {
        expect(await dataSource.getRepository(AuditEvent).countBy({ action: Like('room.%'), actorLabel: label, subjectId: room.id })).toBe(0);
      }
    });

    it('signed out: pages send to the login, the API says 401', async () => {
      await request(env.api.server).get('/api/v1/admin/rooms').expect(401);
      const res = await request(env.api.server).get('/admin/rooms').expect(303);
      expect(res.headers.location).toBe('/auth/login?returnTo=%2Fadmin%2Frooms');
    });

    it('the admin sees the Rooms link in the navigation; others do not', async () => {
      expect((await admin.get('/').set('Accept-Language', 'en').expect(200)).text).toContain('href="/admin/rooms"');
      expect((await teacher.get('/').set('Accept-Language', 'en').expect(200)).text).not.toContain('href="/admin/rooms"');
    });
  });

  describe('invalid input: 400 with field messages, nothing written', () => {
    it('API create: every bad field is named', async () => {
      const before = await roomCount();
      const res = await createRoom({
        name: '',
        slug: 'Staff Room!',
        serverId: 'not-a-uuid',
        access: [
          { kind: 'team', value: 'x', affiliation: 'member' },
          { kind: 'user', value: 'not-an-email', affiliation: 'owner' },
          { kind: 'group', value: 'teachers', affiliation: 'member' },
          { kind: 'group', value: 'TEACHERS', affiliation: 'moderator' },
        ],
        extra: 1,
      }).expect(400);
      const fields = Object.fromEntries((res.body.details as { field: string; messages: string[] }[]).map((d) => [d.field, d.messages]));
      expect(Object.keys(fields).sort()).toEqual(['access', 'access.0.kind', 'access.1.affiliation', 'access.1.value', 'extra', 'name', 'serverId', 'slug']);
      expect(fields.access).toEqual(['entry 4 (group:teachers) is listed twice']);
      expect(fields['access.0.kind']).toEqual(['kind must be group or user']);
      expect(await roomCount()).toBe(before);
    });

    it('API create: an unknown server and a taken slug are refused', async () => {
      const before = await roomCount();
      const unknown = await createRoom({ name: 'Ghost', serverId: '6f1c2a1e-7a49-4f7c-9d36-0f5d3b1f2a10' }).expect(400);
      expect(unknown.body.details).toEqual([{ field: 'serverId', messages: ['there is no Jitsi server with this id'] }]);
      const taken = await createRoom({ name: 'Staff room', serverId: server.id }).expect(409);
      expect(taken.body).toMatchObject({ code: 'ROOM_SLUG_TAKEN', details: { field: 'slug' } });
      expect(await roomCount()).toBe(before);
    });

    it('API create: a name is stored without control characters; one of nothing else is empty', async () => {
      const res = await createRoom({ name: 'Music\r\nroom\u0007', slug: 'music-room', serverId: server.id }).expect(201);
      expect(res.body.name).toBe('Music room');
      const empty = await createRoom({ name: '\u0001\u001b', slug: 'empty-name', serverId: server.id }).expect(400);
      expect(empty.body.details).toEqual([{ field: 'name', messages: ['name must not be empty'] }]);
      await admin.delete(`/api/v1/admin/rooms/${res.body.id}`).set('x-csrf-token', adminCsrf).expect(204);
    });

    it('API update: bad input, a missing or stale version change nothing', async () => {
      const { body: room } = await createRoom({
        name: 'Workshop',
        serverId: server.id,
        access: [{ kind: 'group', value: 'teachers', affiliation: 'member' }],
      }).expect(201);
      const patch = (body: object) => admin.patch(`/api/v1/admin/rooms/${room.id}`).set('x-csrf-token', adminCsrf).send(body);
      const bad = await patch({ access: [{ kind: 'group', value: '', affiliation: 'member' }], version: room.version }).expect(400);
      expect(bad.body.details).toEqual([{ field: 'access.0.value', messages: ['a group entry needs a group name, e.g. teachers'] }]);
      const missing = await patch({ name: 'Workshop 2' }).expect(400);
      expect(missing.body.details).toEqual([{ field: 'version', messages: ['version (or If-Match) is required: the room version you edited'] }]);
      const ok = await patch({ name: 'Workshop 2', version: room.version }).expect(200);
      expect(ok.body.version).toBe(room.version + 1);
      await patch({ name: 'Stale', version: room.version }).expect(409);
      const stored = await dataSource.getRepository(PermanentRoom).findOneByOrFail({ id: room.id });
      expect(stored).toMatchObject({ name: 'Workshop 2', access: [{ kind: 'group', value: 'teachers', affiliation: 'member' }] });
      await admin.get('/api/v1/admin/rooms/not-a-uuid').expect(404);
    });

    it('the form re-shows every bad line with its number, keeping what was typed', async () => {
      const before = await roomCount();
      const typed = 'group:teachers moderator\nteachers\nuser:not-an-email member\ngroup:teachers member';
      const res = await admin
        .post('/admin/rooms')
        .type('form')
        .set('Accept-Language', 'en')
        .send({ _csrf: adminCsrf, name: 'Parents evening', slug: '', serverId: server.id, access: typed, enabled: 'true' })
        .expect(400);
      expect(res.text).toContain('Please correct the marked fields.');
      expect(res.text).toContain('Line 2 (teachers): start the line with group: or user:, e.g. group:teachers moderator');
      expect(res.text).toContain('Line 3 (user:not-an-email member): &quot;not-an-email&quot; is not an email address');
      expect(res.text).toContain('Line 4 (group:teachers member): group:teachers is listed twice');
      expect(res.text).toContain('value="Parents evening"');
      expect(res.text).toContain('name="enabled" value="true" checked');
      expect(res.text).toContain('>group:teachers moderator\nteachers\nuser:not-an-email member\ngroup:teachers member</textarea>');
      const noName = await admin.post('/admin/rooms').type('form').send({ _csrf: adminCsrf, name: '  ', serverId: server.id, access: '' }).expect(400);
      expect(noName.text).toContain('Enter a name');
      // An unticked checkbox stays unticked on the re-shown form.
      expect(noName.text).toContain('name="enabled" value="true">');
      const taken = await admin
        .post('/admin/rooms')
        .type('form')
        .send({ _csrf: adminCsrf, name: 'Another', slug: 'staff-room', serverId: server.id, access: '' })
        .expect(409);
      expect(taken.text).toContain('Another room already uses the address /r/staff-room');
      expect(taken.text).toContain('value="Another"');
      expect(await roomCount()).toBe(before);
    });
  });

  describe('the admin pages', () => {
    it('create, list, edit (with a stale-edit guard) and delete, all audited', async () => {
      const form = await admin.get('/admin/rooms/new').set('Accept-Language', 'en').expect(200);
      expect(form.text).toContain('name="access"');
      expect(form.text).toContain(`<option value="${server.id}" selected>`);
      const created = await admin
        .post('/admin/rooms')
        .type('form')
        .send({
          _csrf: adminCsrf,
          name: 'Lehrerzimmer Süd',
          slug: '',
          serverId: server.id,
          access: 'group:teachers moderator\nuser:student@school.test member\n',
          enabled: 'true',
        })
        .expect(303);
      expect(created.headers.location).toBe('/admin/rooms');
      const list = await admin.get('/admin/rooms').set('Accept-Language', 'en').expect(200);
      expect(list.text).toContain('The room is created.');
      expect(list.text).toContain('data-room="lehrerzimmer-sud"');
      const room = await dataSource.getRepository(PermanentRoom).findOneByOrFail({ slug: 'lehrerzimmer-sud' });
      expect(room.access).toEqual([
        { kind: 'group', value: 'teachers', affiliation: 'moderator' },
        { kind: 'user', value: 'student@school.test', affiliation: 'member' },
      ]);
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'room.created', subjectId: room.id, actorLabel: 'admin@school.test' })).toBe(1);

      const edit = await admin.get(`/admin/rooms/${room.id}/edit`).set('Accept-Language', 'de').expect(200);
      expect(edit.text).toContain('group:teachers moderator\nuser:student@school.test member</textarea>');
      expect(edit.text).toContain('Zugangsliste');
      await admin
        .post(`/admin/rooms/${room.id}`)
        .type('form')
        .send({
          _csrf: adminCsrf,
          name: 'Lehrerzimmer Süd',
          slug: 'lehrerzimmer',
          serverId: server.id,
          access: 'group:teachers moderator',
          version: String(room.version),
        })
        .expect(303);
      const changed = await dataSource.getRepository(PermanentRoom).findOneByOrFail({ id: room.id });
      // The unticked checkbox closed the room; the student's entry is gone.
      expect(changed).toMatchObject({
        slug: 'lehrerzimmer',
        enabled: false,
        access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }],
        version: room.version + 1,
      });
      const updated = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'room.updated', subjectId: room.id });
      expect(updated.metadata).toMatchObject({ accessRemoved: ['user:student@school.test member'] });
      expect(updated.metadata.changed).toEqual(expect.arrayContaining(['slug', 'enabled', 'access']));

      const stale = await admin
        .post(`/admin/rooms/${room.id}`)
        .type('form')
        .set('Accept-Language', 'en')
        .send({ _csrf: adminCsrf, name: 'Overwritten', slug: 'lehrerzimmer', serverId: server.id, access: '', enabled: 'true', version: String(room.version) })
        .expect(409);
      expect(stale.text).toContain('Someone changed this room in the meantime');
      expect(stale.text).toContain('value="Overwritten"');
      // The form keeps the version edited: saving it again is refused too, until the admin reloads.
      expect(stale.text).toContain(`name="version" value="${room.version}"`);
      expect((await dataSource.getRepository(PermanentRoom).findOneByOrFail({ id: room.id })).name).toBe('Lehrerzimmer Süd');

      const confirm = await admin.get(`/admin/rooms/${room.id}/delete`).set('Accept-Language', 'en').expect(200);
      expect(confirm.text).toContain('/r/lehrerzimmer stops working');
      const gone = await admin
        .post(`/admin/rooms/${room.id}/delete`)
        .type('form')
        .send({ _csrf: adminCsrf, version: String(changed.version) })
        .expect(303);
      expect(gone.headers.location).toBe('/admin/rooms');
      expect(await dataSource.getRepository(PermanentRoom).countBy({ id: room.id })).toBe(0);
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'room.deleted', subjectId: room.id, actorLabel: 'admin@school.test' })).toBe(1);
      await teacher.get('/r/lehrerzimmer').expect(404);
    });

    it('a form post without the CSRF token is refused', async () => {
      const before = await roomCount();
      await admin.post('/admin/rooms').type('form').send({ name: 'No token', serverId: server.id, access: '' }).expect(403);
      expect(await roomCount()).toBe(before);
    });

    it('API delete removes the room and audits it', async () => {
      const { body: room } = await createRoom({ name: 'Temporary', serverId: server.id }).expect(201);
      await admin.delete(`/api/v1/admin/rooms/${room.id}`).set('x-csrf-token', adminCsrf).set('If-Match', '"99"').expect(409);
      await admin.delete(`/api/v1/admin/rooms/${room.id}`).set('x-csrf-token', adminCsrf).expect(204);
      await admin.get(`/api/v1/admin/rooms/${room.id}`).expect(404);
      expect(await auditCount('room.deleted', 'admin@school.test')).toBeGreaterThanOrEqual(1);
    });
  });

  it('publishes the rooms API in the OpenAPI document', async () => {
    const res = await request(env.api.server).get('/api/docs-json').expect(200);
    expect(res.body.paths['/api/v1/admin/rooms']).toEqual(expect.objectContaining({ get: expect.anything(), post: expect.anything() }));
    expect(res.body.paths['/api/v1/admin/rooms/{id}']).toEqual(
      expect.objectContaining({ get: expect.anything(), patch: expect.anything(), delete: expect.anything() }),
    );
    expect(res.body.components.schemas.CreateRoomDto.required).toEqual(expect.arrayContaining(['name', 'serverId']));
    expect(res.body.components.schemas.AccessEntryDto.properties.affiliation.enum).toEqual(['member', 'moderator']);
  });
});
