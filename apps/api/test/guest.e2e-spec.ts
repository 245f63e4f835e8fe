import request from 'supertest';
import { DataSource } from 'typeorm';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { csrfTokenOf } from './api-app';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

describe('guest mode (organisation policy GUEST_ACCESS_ALLOWED=true)', () => {
  let env: SignedInApi;

  beforeAll(async () => {
    env = await startSignedInApi({ env: { GUEST_ACCESS_ALLOWED: 'true' } });
    await registerJitsiServer(env.api);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a person without an account enters a name and joins as a plain member in the lobby, never moderator', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const start = new Date(Date.now() + 5 * 60_000);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Open day',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 1800_000)),
        timezone: 'UTC',
        options: { guestAccess: true, lobby: true },
        invitees: [{ email: 'parent@family.test', role: 'moderator' }],
      })
      .expect(201);
    expect(meeting.options).toMatchObject({ guestAccess: true, requireLogin: false });
    const [invitation] = await env.api.app.get(DataSource).getRepository(Invitation).findBy({ meetingId: meeting.id });
    const link = `/j/${env.api.app.get(LinkCodes).codeFor(invitation)}`;

    const guest = request.agent(env.api.server);
    const choice = await guest.get(link).set('Accept-Language', 'en').expect(200);
    expect(choice.text).toContain('Join as guest');
    expect(choice.text).toContain(`href="/auth/login?returnTo=${encodeURIComponent(link)}"`);
    await guest
      .post(`${link}/guest`)
      .type('form')
      .send({ _csrf: csrfTokenOf(choice.text), displayName: 'x' })
      .expect(400);
    const res = await guest
      .post(`${link}/guest`)
      .type('form')
      .send({ _csrf: csrfTokenOf(choice.text), displayName: 'Pat Parent' })
      .expect(302);
    const payload = JSON.parse(Buffer.from(new URL(res.headers.location).searchParams.get('jwt')!.split('.')[1], 'base64url').toString());
    // Even though the invitation says co-moderator: a guest is a member, nothing more.
    expect(payload.context.user).toMatchObject({ name: 'Pat Parent', moderator: false, affiliation: 'member' });
    expect(payload.context.user.lobby_bypass).not.toBe(true);
    expect((await env.api.app.get(DataSource).getRepository(Invitation).findOneByOrFail({ id: invitation.id })).boundUserId).toBeNull();
  });

  it('is not offered for meetings that did not enable it', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const start = new Date(Date.now() + 5 * 60_000);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Closed',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 1800_000)),
        timezone: 'UTC',
        invitees: [{ email: 'x@school.test' }],
      })
      .expect(201);
    const [invitation] = await env.api.app.get(DataSource).getRepository(Invitation).findBy({ meetingId: meeting.id });
    const link = `/j/${env.api.app.get(LinkCodes).codeFor(invitation)}`;
    await request(env.api.server).get(link).expect(303);
    const agent = request.agent(env.api.server);
    const token = csrfTokenOf((await agent.get('/')).text);
    const res = await agent.post(`${link}/guest`).type('form').send({ _csrf: token, displayName: 'Sneaky' }).expect(303);
    expect(res.headers.location).toMatch(/^\/auth\/login/);
  });
});
