import { Test, type TestingModule } from '@nestjs/testing';
import { jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { ConfigModule } from '@moderato/config';
import { CoreModule, FixedClock, InvalidInputError } from '@moderato/core';
import { DatabaseModule } from '@moderato/database';
import type { User } from '@moderato/identity';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { SCHEMA } from '@moderato/schema';
import { Factories, createTestDatabase, testConfig, type TestDatabase } from '@moderato/testing';
import { PermanentRoom } from './permanent-room.entity';
import { RoomNotFound, RoomSlugTaken, RoomVersionConflict } from './rooms.errors';
import { RoomsModule } from './rooms.module';
import { RoomsService, type RoomActor } from './rooms.service';

describe('RoomsService (real PostgreSQL)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let rooms: RoomsService;
  let servers: JitsiServersService;
  let dataSource: DataSource;
  let make: Factories;
  let server: JitsiServer;
  let secret: string;
  let admin: User;
  let teacher: User;
  let headOfYear: User;
  let student: User;
  let unverified: User;
  let actor: RoomActor;
  const clock = new FixedClock(new Date('2026-12-02T09:00:00Z'));

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ config: testConfig(db.url, { TOKEN_MAX_TTL_MINUTES: '90' }) }),
        CoreModule.forRoot({ clock }),
        DatabaseModule.forRoot(SCHEMA),
        RoomsModule,
      ],
    }).compile();
    await moduleRef.init();
    rooms = moduleRef.get(RoomsService);
    servers = moduleRef.get(JitsiServersService);
    dataSource = moduleRef.get(DataSource);
    make = new Factories(dataSource);
    const created = await servers.create(
      { name: 'School Jitsi', baseUrl: 'https://meet.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' },
      { id: null, label: 'test' },
    );
    server = created.server;
    secret = created.secret!;
    admin = await make.admin({ email: 'admin@school.test' });
    teacher = await make.user({ email: 'tom@school.test', idpRoles: ['teachers'] });
    headOfYear = await make.user({ email: 'hoy@school.test', idpRoles: ['teachers', 'school/year-7', 'year-7'] });
    student = await make.user({ email: 'sam@school.test', idpRoles: ['students'] });
    unverified = await make.user({ email: 'uma@school.test', emailVerified: false, idpRoles: ['students'] });
    actor = { id: admin.id, label: admin.email, ip: '127.0.0.1' };
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  const staffRoom = (overrides: Record<string, unknown> = {}) =>
    rooms.create(
      {
        name: 'Staff room',
        serverId: server.id,
        access: [
          { kind: 'group', value: 'teachers', affiliation: 'member' },
          { kind: 'group', value: 'school/year-7', affiliation: 'moderator' },
          { kind: 'user', value: 'uma@school.test', affiliation: 'member' },
        ],
        ...overrides,
      },
      actor,
    );

  const count = () => dataSource.getRepository(PermanentRoom).count();

  describe('create', () => {
    it('derives the slug from the name, gives an unguessable Jitsi room name, and audits it', async () => {
      const room = await staffRoom();
      expect(room.slug).toBe('staff-room');
      expect(room.roomName).toMatch(/^staff-room-[a-z2-9]{12}$/);
      expect(room).toMatchObject({ enabled: true, version: 1, createdById: admin.id, updatedById: admin.id });
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'room.created', subjectId: room.id });
      expect(event).toMatchObject({ actorLabel: 'admin@school.test', subjectType: 'permanent_room', ip: '127.0.0.1' });
      expect(event.metadata.access).toEqual(['group:teachers member', 'group:school/year-7 moderator', 'user:uma@school.test member']);
    });

    it('stores entries in the form they are compared in, whoever calls it', async () => {
      const room = await rooms.create(
        {
          name: 'Case test',
          serverId: server.id,
          access: [
            { kind: 'group', value: ' /Teachers ', affiliation: 'member' },
            { kind: 'user', value: 'Tom@School.test', affiliation: 'moderator' },
          ],
        },
        actor,
      );
      const stored = await dataSource.getRepository(PermanentRoom).findOneByOrFail({ id: room.id });
      expect(stored.access).toEqual([
        { kind: 'group', value: 'teachers', affiliation: 'member' },
        { kind: 'user', value: 'tom@school.test', affiliation: 'moderator' },
      ]);
      expect(rooms.accessFor(await rooms.get(room.id), teacher)).toEqual({ allowed: true, affiliation: 'moderator' });
      await rooms.remove(room.id, actor);
    });

    it('refuses a slug already in use and an unknown server, writing nothing', async () => {
      const before = await count();
      const auditBefore = await dataSource.getRepository(AuditEvent).countBy({ action: 'room.created' });
      await expect(staffRoom()).rejects.toBeInstanceOf(RoomSlugTaken);
      await expect(staffRoom({ slug: 'other', serverId: '6f1c2a1e-7a49-4f7c-9d36-0f5d3b1f2a10' })).rejects.toMatchObject({
        details: [{ field: 'serverId', messages: ['there is no Jitsi server with this id'] }],
      });
      await expect(staffRoom({ name: '!!!' })).rejects.toBeInstanceOf(InvalidInputError);
      expect(await count()).toBe(before);
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'room.created' })).toBe(auditBefore);
    });
  });

  describe('accessFor', () => {
    let room: PermanentRoom;
    beforeAll(async () => {
      room = await rooms.create(
        {
          name: 'Year 7 team',
          serverId: server.id,
          access: [
            { kind: 'group', value: 'teachers', affiliation: 'member' },
            { kind: 'group', value: 'school/year-7', affiliation: 'moderator' },
            { kind: 'user', value: 'sam@school.test', affiliation: 'moderator' },
            { kind: 'user', value: 'uma@school.test', affiliation: 'member' },
          ],
        },
        actor,
      );
    });

    it('group member → member; user entry → its affiliation; moderator wins over member', () => {
      expect(rooms.accessFor(room, teacher)).toEqual({ allowed: true, affiliation: 'member' });
      expect(rooms.accessFor(room, student)).toEqual({ allowed: true, affiliation: 'moderator' });
      expect(rooms.accessFor(room, headOfYear)).toEqual({ allowed: true, affiliation: 'moderator' });
    });

    it('no matching entry → refused (an admin is no exception)', () => {
      expect(rooms.accessFor(room, admin)).toEqual({ allowed: false, reason: 'not_listed' });
    });

    it('a user entry needs a verified email', () => {
      expect(rooms.accessFor(room, unverified)).toEqual({ allowed: false, reason: 'unverified' });
    });

    it('a disabled room or a disabled server → refused, even for moderators', async () => {
      const disabled = await rooms.update(room.id, { enabled: false, version: room.version }, actor);
      expect(rooms.accessFor(disabled, headOfYear)).toEqual({ allowed: false, reason: 'room_disabled' });
      const enabled = await rooms.update(room.id, { enabled: true, version: disabled.version }, actor);
      await servers.update(server.id, { enabled: false }, { id: null, label: 'test' });
      try {
        expect(rooms.accessFor(await rooms.get(room.id), headOfYear)).toEqual({ allowed: false, reason: 'server_disabled' });
        expect((await rooms.join(enabled.slug, headOfYear, null)).outcome).toBe('refused');
      } finally {
        await servers.update(server.id, { enabled: true }, { id: null, label: 'test' });
      }
    });
  });

  describe('join', () => {
    it('mints a token for the room with the listed affiliation, bounded by the maximum TTL, and audits it', async () => {
      const room = await rooms.create(
        { name: 'Maths department', serverId: server.id, access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }] },
        actor,
      );
      const decision = await rooms.join('Maths-Department', teacher, '10.0.0.7');
      if (decision.outcome !== 'join') throw new Error(`expected join, got ${decision.outcome}`);
      expect(decision.url).toMatch(new RegExp(`^https://meet\\.school\\.test/${room.roomName}\\?jwt=[^#]+#userInfo\\.displayName=`));
      const token = new URL(decision.url).searchParams.get('jwt')!;
      const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
        currentDate: clock.now(),
        audience: 'jitsi',
        issuer: 'moderato',
      });
      expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(payload).toMatchObject({
        sub: 'meet.jitsi',
        room: room.roomName,
        context: { user: { id: teacher.id, email: 'tom@school.test', moderator: true, affiliation: 'moderator' } },
      });
      expect(payload.exp).toBe(clock.now().getTime() / 1000 + 90 * 60);
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'token.issued', subjectId: room.id });
      expect(event).toMatchObject({ subjectType: 'permanent_room', actorId: teacher.id, ip: '10.0.0.7' });
      expect(event.metadata).toMatchObject({
        affiliation: 'moderator',
        room: room.roomName,
        exp: new Date((clock.now().getTime() / 1000 + 5400) * 1000).toISOString(),
      });
    });

    it('refuses someone not on the list: no token, and the refusal is audited', async () => {
      const room = await rooms.create(
        { name: 'Teachers only', serverId: server.id, access: [{ kind: 'group', value: 'teachers', affiliation: 'member' }] },
        actor,
      );
      const issuedBefore = await dataSource.getRepository(AuditEvent).countBy({ action: 'token.issued' });
      const decision = await rooms.join('teachers-only', student, null);
      expect(decision).toMatchObject({ outcome: 'refused', reason: 'not_listed' });
      expect(JSON.stringify(decision)).not.toContain('jwt=');
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'token.issued' })).toBe(issuedBefore);
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'room.join_refused', subjectId: room.id, actorId: student.id })).toBe(1);
    });

    it('an unknown or malformed slug is not found', async () => {
      expect(await rooms.join('no-such-room', teacher, null)).toEqual({ outcome: 'not_found' });
      expect(await rooms.join('../admin', teacher, null)).toEqual({ outcome: 'not_found' });
      expect(await rooms.join('x'.repeat(61), teacher, null)).toEqual({ outcome: 'not_found' });
    });
  });

  describe('update and remove', () => {
    it('needs the version edited; a stale one is refused; access changes are audited entry by entry', async () => {
      const room = await rooms.create({ name: 'Library', serverId: server.id, access: [{ kind: 'group', value: 'teachers', affiliation: 'member' }] }, actor);
      await expect(rooms.update(room.id, { name: 'Library 2' }, actor)).rejects.toMatchObject({ details: [{ field: 'version' }] });
      const updated = await rooms.update(
        room.id,
        {
          access: [
            { kind: 'group', value: 'teachers', affiliation: 'moderator' },
            { kind: 'user', value: 'sam@school.test', affiliation: 'member' },
          ],
          version: room.version,
        },
        actor,
      );
      expect(updated.version).toBe(room.version + 1);
      await expect(rooms.update(room.id, { name: 'Stale', version: room.version }, actor)).rejects.toBeInstanceOf(RoomVersionConflict);
      expect((await rooms.get(room.id)).name).toBe('Library');
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'room.updated', subjectId: room.id });
      expect(event.metadata).toMatchObject({
        changed: ['access'],
        accessAdded: ['group:teachers moderator', 'user:sam@school.test member'],
        accessRemoved: ['group:teachers member'],
      });
    });

    it('refuses moving to a slug in use', async () => {
      const room = await rooms.create({ name: 'Music', serverId: server.id }, actor);
      await expect(rooms.update(room.id, { slug: 'staff-room', version: room.version }, actor)).rejects.toBeInstanceOf(RoomSlugTaken);
      expect((await rooms.get(room.id)).slug).toBe('music');
    });

    it('deletes a room for good and audits what it was', async () => {
      const room = await rooms.create({ name: 'Old room', serverId: server.id, access: [{ kind: 'group', value: 'teachers', affiliation: 'member' }] }, actor);
      await expect(rooms.remove(room.id, actor, room.version + 1)).rejects.toBeInstanceOf(RoomVersionConflict);
      await rooms.remove(room.id, actor, room.version);
      await expect(rooms.get(room.id)).rejects.toBeInstanceOf(RoomNotFound);
      expect(await rooms.join('old-room', teacher, null)).toEqual({ outcome: 'not_found' });
      const event = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'room.deleted', subjectId: room.id });
      expect(event.metadata).toMatchObject({ slug: 'old-room', access: ['group:teachers member'] });
    });
  });

  it('"My rooms" lists exactly the open rooms the person may enter, with their affiliation', async () => {
    const hidden = await rooms.create(
      { name: 'Closed lounge', serverId: server.id, enabled: false, access: [{ kind: 'group', value: 'students', affiliation: 'member' }] },
      actor,
    );
    const mine = await rooms.roomsFor(student);
    const bySlug = Object.fromEntries(mine.map(({ room, affiliation }) => [room.slug, affiliation]));
    // Year 7 team (user entry, moderator) and Library (user entry, member after the update above).
    expect(bySlug).toEqual({ 'year-7-team': 'moderator', library: 'member' });
    expect(bySlug[hidden.slug]).toBeUndefined();
    expect((await rooms.roomsFor(unverified)).map(({ room }) => room.slug)).toEqual([]);
    expect((await rooms.roomsFor(admin)).map(({ room }) => room.slug)).toEqual([]);
    expect((await rooms.roomsFor(teacher)).map(({ room }) => room.slug)).toEqual(['library', 'maths-department', 'staff-room', 'teachers-only', 'year-7-team']);
  });
});
