import { randomBytes } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { ApiToken, RoleGrant, Session, type User } from '@moderato/identity';
import type { JitsiServer } from '@moderato/jitsi';
import { Invitation, Meeting, PersonDataService, RetentionService } from '@moderato/meetings';
import { Factories } from '@moderato/testing';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

describe('Personal data has a lifecycle: retention, deleting a person, exporting their data', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let factories: Factories;
  let server: JitsiServer;
  let admin: TestAgent;
  let csrf: string;
  const count = async (sql: string, params: unknown[] = []) => (await dataSource.query(sql, params))[0].n as number;

  const session = (user: User, fields: Partial<Session>) =>
    dataSource.getRepository(Session).save({
      tokenHash: randomBytes(32).toString('hex'),
      userId: user.id,
      lastSeenAt: new Date(),
      expiresAt: new Date(Date.now() + DAY),
      idToken: `id-token-${randomBytes(8).toString('hex')}`,
      userAgent: 'Firefox',
      ip: '192.0.2.7',
      ...fields,
    });
  const event = (fields: Partial<AuditEvent>) =>
    dataSource.query(
      'INSERT INTO audit_events (actor_id, actor_label, action, subject_type, subject_id, metadata, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [
        fields.actorId ?? null,
        fields.actorLabel ?? null,
        fields.action ?? 'test.event',
        fields.subjectType ?? null,
        fields.subjectId ?? null,
        JSON.stringify(fields.metadata ?? {}),
        fields.ip ?? null,
        fields.createdAt ?? new Date(),
      ],
    );

  beforeAll(async () => {
    env = await startSignedInApi();
    dataSource = env.api.app.get(DataSource);
    factories = new Factories(dataSource);
    server = await registerJitsiServer(env.api);
    admin = await env.signIn('admin@school.test');
    csrf = await env.csrf(admin);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the policy shows the retention settings with their defaults, refuses nonsense and saves them', async () => {
    const described = (await admin.get('/api/v1/admin/policy').expect(200)).body;
    expect(described.defaults).toMatchObject({ retentionSessionDays: 30, retentionAuditDays: 365, retentionInvitationDays: 730 });
    const refused = await admin.put('/api/v1/admin/policy').set('x-csrf-token', csrf).send({ retentionAuditDays: 3, retentionSessionDays: 'soon' }).expect(400);
    expect(JSON.stringify(refused.body.details)).toMatch(/retentionAuditDays[\s\S]*retentionSessionDays|retentionSessionDays[\s\S]*retentionAuditDays/);
    const page = await admin.get('/admin/policy').expect(200);
    expect(page.text).toContain('name="retentionInvitationDays"');
    await admin
      .post('/admin/policy')
      .type('form')
      .send({ _csrf: csrf, ...described.policy, organizerServerIds: [], retentionSessionDays: '20' })
      .expect(303);
    expect((await admin.get('/api/v1/admin/policy').expect(200)).body.policy.retentionSessionDays).toBe(20);
    await admin.put('/api/v1/admin/policy').set('x-csrf-token', csrf).send({ retentionSessionDays: 30 }).expect(200);
  });

  it('the retention pass deletes ended sessions, old audit events and invitations of long-past meetings, and nothing else', async () => {
    const person = await factories.user();
    const revokedLongAgo = await session(person, { revokedAt: ago(40), lastSeenAt: ago(41), expiresAt: ago(30) });
    const expiredLongAgo = await session(person, { lastSeenAt: ago(45), expiresAt: ago(40) });
    const idleLongAgo = await session(person, { lastSeenAt: ago(35), expiresAt: new Date(Date.now() + DAY) });
    const revokedRecently = await session(person, { revokedAt: ago(5), lastSeenAt: ago(5) });
    const live = await session(person, {});
    const [oldEvent] = await event({ action: 'test.old', createdAt: ago(400) });
    const [recentEvent] = await event({ action: 'test.recent', createdAt: ago(300) });
    const old = await factories.meeting({ server, invitees: 2, overrides: { startsAt: ago(801), endsAt: ago(800) } });
    const recent = await factories.meeting({ server, invitees: 1, overrides: { startsAt: ago(11), endsAt: ago(10) } });
    const finishedSeries = await factories.meeting({
      server,
      invitees: 1,
      overrides: { startsAt: ago(901), endsAt: new Date(ago(901).getTime() + 3600_000), rrule: 'FREQ=DAILY;COUNT=3' },
    });
    const runningSeries = await factories.meeting({
      server,
      invitees: 1,
      overrides: { startsAt: ago(901), endsAt: new Date(ago(901).getTime() + 3600_000), rrule: 'FREQ=WEEKLY;COUNT=500' },
    });

    const counts = await env.api.app.get(RetentionService).runOnce();

    expect(counts).toMatchObject({ sessions: 3, invitations: 3, meetings: 2 });
    expect(counts!.auditEvents).toBeGreaterThanOrEqual(1);
    const sessionsLeft = (await dataSource.getRepository(Session).findBy({ userId: person.id })).map((s) => s.id).sort();
    expect(sessionsLeft).toEqual([revokedRecently.id, live.id].sort());
    expect([revokedLongAgo.id, expiredLongAgo.id, idleLongAgo.id].some((id) => sessionsLeft.includes(id))).toBe(false);
    expect(await count('SELECT count(*)::int AS n FROM audit_events WHERE id = $1', [oldEvent.id])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM audit_events WHERE id = $1', [recentEvent.id])).toBe(1);
    const invitationsOf = (m: { meeting: Meeting }) => dataSource.getRepository(Invitation).countBy({ meetingId: m.meeting.id });
    expect(await invitationsOf(old)).toBe(0);
    expect(await invitationsOf(finishedSeries)).toBe(0);
    expect(await invitationsOf(recent)).toBe(1);
    expect(await invitationsOf(runningSeries)).toBe(1);
    // The meetings themselves stay (the organizer's history); one event says what went.
    expect(await dataSource.getRepository(Meeting).countBy({ id: old.meeting.id })).toBe(1);
    const pruned = await dataSource.getRepository(AuditEvent).findBy({ action: 'retention.pruned' });
    expect(pruned).toHaveLength(1);
    expect(pruned[0].metadata).toMatchObject({ sessions: 3, invitations: 3, meetings: 2, days: { sessions: 30, auditEvents: 365, invitations: 730 } });
    // A second pass finds nothing and records nothing.
    expect(await env.api.app.get(RetentionService).runOnce()).toEqual({
      sessions: 0,
      auditEvents: 0,
      invitations: 0,
      meetings: 0,
      meetingsDeleted: 0,
      presenceIntervals: 0,
    });
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'retention.pruned' })).toBe(1);
  });

  it('the audit log stays append-only outside a deletion', async () => {
    await expect(dataSource.query(`UPDATE audit_events SET actor_label = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
  });

  describe('deleting a person', () => {
    let leaving: User;
    let successor: User;
    let bystander: User;
    let theirMeeting: Meeting;
    let othersMeeting: Meeting;
    let tokenHash: string;
    let idToken: string;

    beforeAll(async () => {
      leaving = await factories.organizer({ email: 'lea.leaving@school.test', displayName: 'Lea Leaving' });
      successor = await factories.organizer({ email: 'sol.successor@school.test' });
      bystander = await factories.user({ email: 'ben.bystander@school.test' });
      idToken = (await session(leaving, {})).idToken!;
      await session(bystander, {});
      tokenHash = randomBytes(32).toString('hex');
      await dataSource
        .getRepository(ApiToken)
        .save({ userId: leaving.id, name: 'LMS', tokenHash, prefix: 'mdt_abcd', scopes: ['meetings:read'], expiresAt: new Date(Date.now() + DAY) });
      await dataSource.getRepository(RoleGrant).save({ email: 'lea.leaving@school.test', overrides: { admin: 'grant' }, createdByLabel: 'admin@school.test' });
      theirMeeting = (await factories.meeting({ organizer: leaving, server, invitees: 2, overrides: { title: 'Lea’s physics' } })).meeting;
      othersMeeting = (await factories.meeting({ organizer: successor, server, invitees: 1 })).meeting;
      await factories.invitation(othersMeeting, { email: 'lea.leaving@school.test', name: 'Lea Leaving', boundUserId: leaving.id, joinCount: 2 });
      await factories.invitation(othersMeeting, { email: 'ben.bystander@school.test', name: 'Ben' });
      await event({ action: 'auth.login', actorId: leaving.id, actorLabel: 'lea.leaving@school.test', ip: '198.51.100.9', metadata: { name: 'Lea Leaving' } });
      await event({
        action: 'user.roles_changed',
        actorId: null,
        actorLabel: 'admin@school.test',
        ip: '203.0.113.1',
        subjectType: 'user',
        subjectId: leaving.id,
        metadata: { email: 'lea.leaving@school.test' },
      });
      await event({ action: 'auth.login', actorId: bystander.id, actorLabel: 'ben.bystander@school.test', ip: '198.51.100.10' });
    });

    it('the export holds everything about them and no secret', async () => {
      const res = await admin.get(`/api/v1/admin/users/${leaving.id}/export`).expect(200);
      const data = res.body;
      expect(data.account).toMatchObject({ id: leaving.id, email: 'lea.leaving@school.test', displayName: 'Lea Leaving' });
      expect(data.roles).toContain('organizer');
      expect(data.sessions).toHaveLength(1);
      expect(data.sessions[0]).toMatchObject({ ip: '192.0.2.7', userAgent: 'Firefox' });
      expect(data.apiTokens).toEqual([expect.objectContaining({ name: 'LMS', prefix: 'mdt_abcd', scopes: ['meetings:read'] })]);
      expect(data.invitations).toEqual([
        expect.objectContaining({
          email: 'lea.leaving@school.test',
          joinCount: 2,
          meeting: expect.objectContaining({ id: othersMeeting.id, title: othersMeeting.title }),
        }),
      ]);
      expect(data.meetingsOrganised).toEqual([expect.objectContaining({ id: theirMeeting.id, title: 'Lea’s physics' })]);
      expect(data.auditEvents.map((e: AuditEvent) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'user.roles_changed']));
      // Another admin's IP is not theirs to see; nobody else's events are in it.
      expect(data.auditEvents.find((e: AuditEvent) => e.action === 'user.roles_changed').ip).toBeNull();
      expect(res.text).not.toContain('ben.bystander');
      for (const secret of [tokenHash, idToken, 'tokenHash', 'idToken', 'linkCode']) expect(res.text).not.toContain(secret);
      expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'user.exported', subjectId: leaving.id })).toBe(1);
      // The admin page links it and the deletion.
      const page = await admin.get(`/admin/users/${leaving.id}`).expect(200);
      expect(page.text).toContain(`/admin/users/${leaving.id}/export`);
      expect(page.text).toContain(`/admin/users/${leaving.id}/delete`);
    });

    it('someone who organises meetings is not deleted until an admin says what happens to them (400, nothing written)', async () => {
      const res = await admin.delete(`/api/v1/admin/users/${leaving.id}`).set('x-csrf-token', csrf).send({}).expect(400);
      expect(JSON.stringify(res.body.details)).toContain('meetingsTo');
      await admin.delete(`/api/v1/admin/users/${leaving.id}`).set('x-csrf-token', csrf).send({ meetingsTo: successor.id, cancelMeetings: true }).expect(400);
      await admin.delete(`/api/v1/admin/users/${leaving.id}`).set('x-csrf-token', csrf).send({ meetingsTo: bystander.id }).expect(400); // not an organizer
      expect(await count('SELECT count(*)::int AS n FROM users WHERE id = $1', [leaving.id])).toBe(1);
      // The page asks the same, without JavaScript: a form with the choice and an organizer picker.
      const confirm = await admin.get(`/admin/users/${leaving.id}/delete`).expect(200);
      expect(confirm.text).toContain('Hand their 1 meeting to');
      expect(confirm.text).toContain(`value="${successor.id}"`);
      const again = await admin.post(`/admin/users/${leaving.id}/delete`).type('form').send({ _csrf: csrf, meetings: 'handover' }).expect(400);
      expect(again.text).toContain('Choose the organizer who takes the meetings over.');
      expect(await count('SELECT count(*)::int AS n FROM users WHERE id = $1', [leaving.id])).toBe(1);
    });

    it('nobody deletes themselves', async () => {
      const adminId = (await admin.get('/api/v1/me').expect(200)).body.id;
      const res = await admin.delete(`/api/v1/admin/users/${adminId}`).set('x-csrf-token', csrf).send({}).expect(400);
      expect(res.body.code).toBe('SELF_DELETION');
    });

    it('handing the meetings over: their rows go, the audit log keeps the events under one pseudonym, others are untouched', async () => {
      const res = await admin
        .post(`/admin/users/${leaving.id}/delete`)
        .type('form')
        .send({ _csrf: csrf, meetings: 'handover', meetingsTo: successor.id })
        .expect(303);
      expect(res.headers.location).toBe('/admin/users');
      expect(await count('SELECT count(*)::int AS n FROM users WHERE id = $1', [leaving.id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [leaving.id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM api_tokens WHERE user_id = $1', [leaving.id])).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM role_grants WHERE email = 'lea.leaving@school.test'`)).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM invitations WHERE email = 'lea.leaving@school.test'`)).toBe(0);
      // The meeting is the successor's now, with its invitations; the other meeting keeps its other invitees.
      expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id: theirMeeting.id })).organizerId).toBe(successor.id);
      expect(await dataSource.getRepository(Invitation).countBy({ meetingId: theirMeeting.id })).toBe(2);
      expect(await dataSource.getRepository(Invitation).countBy({ meetingId: othersMeeting.id })).toBe(2);
      expect(await count('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [bystander.id])).toBe(1);

      const all = await dataSource.getRepository(AuditEvent).find();
      const text = JSON.stringify(all);
      for (const trace of ['lea.leaving@school.test', 'Lea Leaving', leaving.id, '198.51.100.9']) expect(text).not.toContain(trace);
      const deleted = all.find((e) => e.action === 'user.deleted')!;
      expect(deleted.actorLabel).toBe('admin@school.test');
      expect(deleted.metadata).toMatchObject({ meetingsHandedOver: 1, meetingsTo: successor.id, invitations: 1, sessions: 1, apiTokens: 1, roleGrants: 1 });
      const pseudonym = deleted.metadata.pseudonym as string;
      expect(pseudonym).toMatch(/^deleted-user-[0-9a-f]{8}$/);
      const login = all.find((e) => e.action === 'auth.login' && e.actorLabel === pseudonym)!;
      expect(login.ip).toBeNull();
      expect(login.actorId).toBe(deleted.subjectId); // one new id groups their events
      expect(all.find((e) => e.action === 'user.roles_changed' && e.subjectId === deleted.subjectId)).toMatchObject({
        actorLabel: 'admin@school.test',
        ip: '203.0.113.1',
      });
      expect(all.find((e) => e.actorLabel === 'ben.bystander@school.test')).toMatchObject({ actorId: bystander.id, ip: '198.51.100.10' });
    });

    it('cancelling the meetings cancels the upcoming ones (their invitees are told) and deletes the past ones; the last admin and unknown people are refused', async () => {
      const quitting = await factories.organizer({ email: 'quinn@school.test' });
      const { meeting } = await factories.meeting({ organizer: quitting, server, invitees: 2 });
      const { meeting: past } = await factories.meeting({
        organizer: quitting,
        server,
        invitees: 1,
        overrides: { startsAt: ago(3), endsAt: new Date(ago(3).getTime() + 3600_000) },
      });
      const res = await admin.delete(`/api/v1/admin/users/${quitting.id}`).set('x-csrf-token', csrf).send({ cancelMeetings: true }).expect(200);
      expect(res.body).toMatchObject({ meetingsCancelled: 1, meetingsDeleted: 1, meetingsHandedOver: 0 });
      expect(await dataSource.getRepository(Meeting).countBy({ id: past.id })).toBe(0);
      expect(await dataSource.getRepository(Invitation).countBy({ meetingId: past.id })).toBe(0);
      // The upcoming one stays cancelled and detached; each invitee has a cancellation waiting.
      expect(await dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id })).toMatchObject({ organizerId: null, cancelledAt: expect.any(Date) });
      expect(
        await count(
          `SELECT count(*)::int AS n FROM outbox_messages o JOIN invitations i ON i.id = o.invitation_id WHERE i.meeting_id = $1 AND o.kind = 'cancel'`,
          [meeting.id],
        ),
      ).toBe(2);
      // Retention deletes it once the cancellation is older than the invitations are kept.
      await dataSource.query('UPDATE meetings SET cancelled_at = $2 WHERE id = $1', [meeting.id, ago(800)]);
      expect(await env.api.app.get(RetentionService).runOnce()).toMatchObject({ meetingsDeleted: 1 });
      expect(await dataSource.getRepository(Meeting).countBy({ id: meeting.id })).toBe(0);
      expect(await dataSource.getRepository(Meeting).countBy({ id: othersMeeting.id })).toBe(1);
      await admin.delete('/api/v1/admin/users/00000000-0000-4000-8000-000000000000').set('x-csrf-token', csrf).send({}).expect(404);

      const adminId = (await admin.get('/api/v1/me').expect(200)).body.id;
      const people = env.api.app.get(PersonDataService, { strict: false });
      await expect(people.delete(adminId, {}, { id: null, label: 'moderato CLI (test)' })).rejects.toMatchObject({ code: 'LAST_ADMIN' });
      expect(await count('SELECT count(*)::int AS n FROM users WHERE id = $1', [adminId])).toBe(1);
    });
  });

  it('a person exports their own data, and only theirs', async () => {
    const student = await env.signIn('student@school.test');
    const res = await student.get('/api/v1/me/export').expect(200);
    expect(res.body.account.email).toBe('student@school.test');
    expect(res.body.sessions.length).toBeGreaterThan(0);
    expect(res.text).not.toContain('admin@school.test');
    expect(res.text).not.toMatch(/tokenHash|idToken/);
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'user.exported', actorLabel: 'student@school.test' })).toBe(1);
  });
});
