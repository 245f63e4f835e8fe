import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { JitsiServersService } from '@moderato/jitsi';
import { User } from '@moderato/identity';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { Factories } from '@moderato/testing';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) =>
  date
    .toISOString()
    .replace('.000Z', '+00:00')
    .replace(/\.\d{3}Z$/, '+00:00');
const decodeJwt = (url: string) => {
  const token = new URL(url).searchParams.get('jwt')!;
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, payload };
};

describe('the join flow: personal link → login → identity check → Jitsi token', () => {
  let env: SignedInApi;
  let teacher: TestAgent;
  let csrf: string;
  let dataSource: DataSource;
  let codes: LinkCodes;

  beforeAll(async () => {
    env = await startSignedInApi();
    dataSource = env.api.app.get(DataSource);
    codes = env.api.app.get(LinkCodes);
    await registerJitsiServer(env.api);
    teacher = await env.signIn('teacher@school.test');
    csrf = await env.csrf(teacher);
  });
  afterAll(async () => {
    await env?.close();
  });

  async function schedule(startInMinutes: number, invitees: { email: string; role?: string }[]) {
    const start = new Date(Date.now() + startInMinutes * 60_000);
    const { body } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({ title: 'Maths 7b', startsAt: iso(start), endsAt: iso(new Date(start.getTime() + 45 * 60_000)), timezone: 'Europe/Berlin', invitees })
      .expect(201);
    const invitations = await dataSource.getRepository(Invitation).findBy({ meetingId: body.id });
    const linkOf = (email: string) => `/j/${codes.codeFor(invitations.find((i) => i.email === email)!)}`;
    return { meeting: body, invitations, linkOf };
  }

  it('a signed-out student is sent to log in and comes back to the link', async () => {
    const { linkOf } = await schedule(5, [{ email: 'student@school.test' }]);
    const res = await request(env.api.server).get(linkOf('student@school.test')).expect(303);
    expect(res.headers.location).toBe(`/auth/login?returnTo=${encodeURIComponent(linkOf('student@school.test'))}`);
  });

  it("the student gets a member token for exactly this room, bounded by the window; the teacher's Start gives owner", async () => {
    const { meeting, linkOf } = await schedule(5, [{ email: 'student@school.test' }, { email: 'teacher2@school.test', role: 'moderator' }]);
    const student = await env.signIn('student@school.test');
    const res = await student.get(linkOf('student@school.test')).expect(302);
    expect(res.headers.location).toMatch(new RegExp(`^https://meet\\.school\\.test/${meeting.roomName}\\?jwt=`));
    expect(res.headers.location).toContain('#userInfo.displayName=');
    const { header, payload } = decodeJwt(res.headers.location);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: meeting.roomName });
    expect(payload.context.user).toMatchObject({ email: 'student@school.test', moderator: false, affiliation: 'member' });
    expect(payload.exp * 1000).toBeLessThanOrEqual(new Date(meeting.endsAt).getTime());
    const bound = await dataSource.getRepository(Invitation).findOneByOrFail({ email: 'student@school.test', meetingId: meeting.id });
    expect(bound.boundUserId).not.toBeNull();
    expect(bound.joinCount).toBe(1);

    const coModerator = await env.signIn('teacher2@school.test');
    expect(decodeJwt((await coModerator.get(linkOf('teacher2@school.test')).expect(302)).headers.location).payload.context.user).toMatchObject({
      moderator: true,
      affiliation: 'moderator',
    });

    const start = await teacher.get(`/meetings/${meeting.id}/start`).expect(302);
    expect(decodeJwt(start.headers.location).payload.context.user).toMatchObject({ email: 'teacher@school.test', moderator: true, affiliation: 'owner' });
    const issued = await dataSource.getRepository(AuditEvent).countBy({ action: 'token.issued', subjectId: meeting.id });
    expect(issued).toBe(3);
    expect(env.api.logs.text()).not.toMatch(/jwt=eyJ/);
  });

  it("another person signed in with someone else's link gets the 403 page and no token", async () => {
    const { linkOf } = await schedule(5, [{ email: 'student@school.test' }]);
    const student2 = await env.signIn('student2@school.test');
    const res = await student2.get(linkOf('student@school.test')).set('Accept-Language', 'en').expect(403);
    // The invited address masked, the reader's own in full.
    expect(res.text).toContain('This invitation was sent to s…@school.test; you are signed in as student2@school.test.');
    expect(res.text).not.toContain('student@school.test');
    const de = await student2.get(linkOf('student@school.test')).set('Accept-Language', 'de').expect(403);
    expect(de.text).toContain('Diese Einladung ging an s…@school.test; Sie sind angemeldet als student2@school.test.');
    expect(res.text).toContain('Switch account');
    expect(res.headers.location).toBeUndefined();
  });

  it('once bound, the link works only for the person who used it first', async () => {
    const { invitations, linkOf } = await schedule(5, [{ email: 'student2@school.test' }]);
    const student2 = await env.signIn('student2@school.test');
    await student2.get(linkOf('student2@school.test')).expect(302);
    // Even if the email later matched someone else, the binding wins.
    const other = await env.signIn('student@school.test');
    await dataSource.getRepository(Invitation).update(invitations[0].id, { email: 'student@school.test' });
    await other.get(linkOf('student2@school.test')).expect(403);
  });

  it('a disabled user gets no token: the session ends and the login refuses them', async () => {
    const { linkOf } = await schedule(5, [{ email: 'student2@school.test' }]);
    const student2 = await env.signIn('student2@school.test');
    await dataSource.getRepository(User).update({ email: 'student2@school.test' }, { disabled: true });
    try {
      const res = await student2.get(linkOf('student2@school.test')).expect(303);
      expect(res.headers.location).toMatch(/^\/auth\/login\?returnTo=/);
      await expect(env.signIn('student2@school.test')).rejects.toThrow(/failed with 403/);
    } finally {
      await dataSource.getRepository(User).update({ email: 'student2@school.test' }, { disabled: false });
    }
  });

  it('an unverified email gets no token', async () => {
    const { linkOf } = await schedule(5, [{ email: 'unverified@school.test' }]);
    const unverified = await env.signIn('unverified@school.test');
    const res = await unverified.get(linkOf('unverified@school.test')).set('Accept-Language', 'en').expect(403);
    expect(res.text).toContain('has not confirmed your email address');
  });

  it('a revoked link, a cancelled meeting and an unknown code get no token', async () => {
    const revoked = await schedule(5, [{ email: 'student@school.test' }]);
    const student = await env.signIn('student@school.test');
    await teacher
      .patch(`/api/v1/meetings/${revoked.meeting.id}/invitations/${revoked.invitations[0].id}`)
      .set('x-csrf-token', csrf)
      .send({ status: 'revoked' })
      .expect(200);
    const page = await student.get(revoked.linkOf('student@school.test')).set('Accept-Language', 'en').expect(410);
    expect(page.text).toContain('This invitation was withdrawn');
    expect(page.text).toContain('organized by Tom Teacher');

    const cancelled = await schedule(5, [{ email: 'student@school.test' }]);
    await teacher.delete(`/api/v1/meetings/${cancelled.meeting.id}`).set('x-csrf-token', csrf).expect(200);
    expect((await student.get(cancelled.linkOf('student@school.test')).set('Accept-Language', 'en').expect(410)).text).toContain('This meeting was cancelled');

    await student.get('/j/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
    await student.get('/j/short').expect(404);
  });

  it('before the window opens, a waiting page counts down and refreshes itself', async () => {
    const { linkOf } = await schedule(120, [{ email: 'student@school.test' }]);
    const student = await env.signIn('student@school.test');
    const res = await student.get(linkOf('student@school.test')).set('Accept-Language', 'en').expect(200);
    expect(res.text).toContain('Not open yet');
    expect(res.text).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    expect(res.text).toContain('data-countdown');
    expect(res.text).toContain('/static/countdown.js');
  });

  it('the meeting page says a link was used, not that someone joined (en, de)', async () => {
    const { meeting, linkOf } = await schedule(5, [{ email: 'student@school.test' }]);
    const student = await env.signIn('student@school.test');
    await student.get(linkOf('student@school.test')).expect(302);
    const en = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(en.text).toContain('Link used');
    expect(en.text).not.toContain('Joined');
    expect((await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'de').expect(200)).text).toContain('Link verwendet');
  });

  it("far ahead, the waiting page says when the room opens on the reader's clock, zone named, and how long in days and hours (en, de)", async () => {
    const { linkOf } = await schedule(61 * 60 + 30, [{ email: 'student@school.test' }]);
    const student = await env.signIn('student@school.test');
    // The student's browser said Europe/Berlin on the first visit (/static/zone.js).
    await student
      .post('/settings/timezone')
      .set('x-csrf-token', await env.csrf(student))
      .type('form')
      .send({ timezone: 'Europe/Berlin' })
      .expect(204);
    const en = await student.get(linkOf('student@school.test')).set('Accept-Language', 'en').expect(200);
    const opensAt = new Date(/data-opens-at="([^"]+)"/.exec(en.text)![1]);
    const at = (locale: string) => new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(opensAt);
    expect(en.text).toContain(`The room opens at ${at('en')} (Berlin time).`);
    expect(en.text).toMatch(/The room opens in 2 days(, \d+ hours?)?\./);
    expect(en.text).toContain('data-text="The room opens in {duration}."');
    expect(/data-countdown[^>]*>([^<]*)</.exec(en.text)![1]).not.toMatch(/\d+:\d\d:\d\d/);
    const de = await student.get(linkOf('student@school.test')).set('Accept-Language', 'de').expect(200);
    expect(de.text).toContain(`Der Raum öffnet um ${at('de')} Uhr (Ortszeit Berlin).`);
    expect(de.text).toMatch(/Bis der Raum öffnet: 2 Tage(, \d+ Stunden?)?\./);
    expect(de.text).toMatch(/Die Besprechung beginnt am \w+, \d+\. \w+ \d{4} um \d\d:\d\d Uhr\./);
  });

  it('"My invitations" lists what the student may join, with Join lit only inside the window', async () => {
    const soon = await schedule(5, [{ email: 'student2@school.test' }]);
    const later = await schedule(180, [{ email: 'student2@school.test' }]);
    await schedule(5, [{ email: 'someone-else@school.test' }]);
    const student2 = await env.signIn('student2@school.test');
    const page = await student2.get('/invitations').set('Accept-Language', 'en').expect(200);
    expect(page.text).toMatch(new RegExp(`data-meeting="${soon.meeting.id}">[\\s\\S]*?data-join="open"`));
    expect(page.text).toMatch(new RegExp(`data-meeting="${later.meeting.id}">[\\s\\S]*?data-join="closed"`));
    expect(page.text).toContain(`href="${soon.linkOf('student2@school.test')}"`);
    expect(page.text).not.toContain(later.linkOf('student2@school.test'));
    expect((page.text.match(/data-meeting=/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(page.text).not.toContain('someone-else');
  });

  it('"My invitations" still shows what is coming after years of past meetings (more than its 200 rows)', async () => {
    const factories = new Factories(dataSource);
    const organizer = await dataSource.getRepository(User).findOneByOrFail({ email: 'teacher@school.test' });
    const [server] = await env.api.app.get(JitsiServersService).list();
    const past: string[] = [];
    for (let i = 0; i < 210; i += 1) {
      const startsAt = new Date(Date.now() - (400 - i) * 24 * 3600_000);
      const { meeting } = await factories.meeting({ organizer, server, overrides: { startsAt, endsAt: new Date(startsAt.getTime() + 45 * 60_000) } });
      await factories.invitation(meeting, { email: 'teacher2@school.test' });
      past.push(meeting.id);
    }
    const upcoming = await schedule(60, [{ email: 'teacher2@school.test' }]);
    const invited = await env.signIn('teacher2@school.test');
    const page = await invited.get('/invitations').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain(`data-meeting="${upcoming.meeting.id}"`);
    for (const id of past) expect(page.text).not.toContain(id);
  });

  it('signs with a rotated RS256 key from the next join on (the per-process signing cache is cleared)', async () => {
    const servers = env.api.app.get(JitsiServersService);
    const actor = { id: null, label: 'test' };
    const { server } = await servers.create(
      { name: 'rs-rotation', baseUrl: 'https://rs.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'RS256' },
      actor,
    );
    const start = new Date(Date.now() + 5 * 60_000);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Rotation',
        serverId: server.id,
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 1800_000)),
        timezone: 'UTC',
        invitees: [{ email: 'student@school.test' }],
      })
      .expect(201);
    const [invitation] = await dataSource.getRepository(Invitation).findBy({ meetingId: meeting.id });
    const student = await env.signIn('student@school.test');
    const before = decodeJwt((await student.get(`/j/${codes.codeFor(invitation)}`).expect(302)).headers.location).header.kid;
    const rotated = await servers.rotateKey(server.id, actor);
    const after = decodeJwt((await student.get(`/j/${codes.codeFor(invitation)}`).expect(302)).headers.location).header.kid;
    expect(before).not.toBe(rotated.kid);
    expect(after).toBe(rotated.kid);
  });

  it('lets invited members skip the lobby where the server runs token_lobby_bypass', async () => {
    const service = env.api.app.get(JitsiServersService);
    const [server] = await service.list();
    await service.update(server.id, { lobbyBypass: true }, { id: null, label: 'test' });
    const start = new Date(Date.now() + 5 * 60_000);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Lobby',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 1800_000)),
        timezone: 'UTC',
        options: { lobby: true },
        invitees: [{ email: 'student@school.test' }],
      })
      .expect(201);
    const [invitation] = await dataSource.getRepository(Invitation).findBy({ meetingId: meeting.id });
    const student = await env.signIn('student@school.test');
    const res = await student.get(`/j/${codes.codeFor(invitation)}`).expect(302);
    expect(decodeJwt(res.headers.location).payload.context.user.lobby_bypass).toBe(true);
    await service.update(server.id, { lobbyBypass: false }, { id: null, label: 'test' });
    const again = await student.get(`/j/${codes.codeFor(invitation)}`).expect(302);
    expect(decodeJwt(again.headers.location).payload.context.user).not.toHaveProperty('lobby_bypass');
  });

  it('refuses guest access unless the organisation allows it', async () => {
    const start = new Date(Date.now() + 5 * 60_000);
    const res = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({ title: 'Open day', startsAt: iso(start), endsAt: iso(new Date(start.getTime() + 1800_000)), timezone: 'UTC', options: { guestAccess: true } })
      .expect(400);
    expect(res.body.details).toEqual([{ field: 'options.guestAccess', messages: ['guest access is not allowed by your organisation'] }]);
  });

  it('"My meetings" shows Start only for meetings whose window is open', async () => {
    const open = await schedule(5, []);
    const later = await schedule(240, []);
    const list = await teacher.get('/meetings').expect(200);
    expect(list.text).toContain(`data-start="${open.meeting.id}"`);
    expect(list.text).not.toContain(`data-start="${later.meeting.id}"`);
  });

  it('another organizer cannot start my meeting', async () => {
    const { meeting } = await schedule(5, []);
    const teacher2 = await env.signIn('teacher2@school.test');
    await teacher2.get(`/meetings/${meeting.id}/start`).expect(404);
  });
});
