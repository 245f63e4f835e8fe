import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { DEV_SERVER_NAME, ensureDevServer, startDevJitsi, type RunningDevJitsi } from '@moderato/dev-jitsi';
import { JitsiServer, JitsiServersService } from '@moderato/jitsi';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { freePort } from '@moderato/testing';
import { landOnStandIn as landOn, startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** Moderato's join flow ending in the development Jitsi stand-in, which judges the tokens as Prosody would. */
describe('personal link → sign-in → token → the development Jitsi stand-in', () => {
  let env: SignedInApi;
  let jitsi: RunningDevJitsi;
  let teacher: TestAgent;
  let baseUrl: string;

  beforeAll(async () => {
    env = await startSignedInApi();
    baseUrl = `http://127.0.0.1:${await freePort()}`;
    const { settings, created } = await ensureDevServer(env.api.app.get(JitsiServersService), baseUrl, 'http://localhost:3000');
    expect(created).toBe(true);
    jitsi = await startDevJitsi({ settings, port: Number(new URL(baseUrl).port) });
    teacher = await env.signIn('teacher@school.test');
  });
  afterAll(async () => {
    await jitsi?.close();
    await env?.close();
  });

  it('registers itself once as an HS256 server and finds itself again with the same secret', async () => {
    const servers = env.api.app.get(JitsiServersService);
    const again = await ensureDevServer(servers, baseUrl, 'http://localhost:3000');
    expect(again.created).toBe(false);
    expect(again.server.name).toBe(DEV_SERVER_NAME);
    const rows = await env.api.app.get(DataSource).getRepository(JitsiServer).findBy({ baseUrl });
    expect(rows).toHaveLength(1);
    expect(rows[0].signingMode).toBe('HS256');
    expect(again.settings.appSecret).toBe(await servers.revealSecret(rows[0].id, { id: null, label: 'test' }));
  });

  it("the student lands in the room as participant (member), the teacher's Start as organizer (owner); another room is refused", async () => {
    const csrf = await env.csrf(teacher);
    const start = new Date(Date.now() + 5 * 60_000);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Maths 7b',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test' }],
      })
      .expect(201);
    const invitation = await env.api.app.get(DataSource).getRepository(Invitation).findOneByOrFail({ meetingId: meeting.id, email: 'student@school.test' });
    const link = new URL(env.api.app.get(LinkCodes).linkFor(invitation));

    const student = await env.signIn('student@school.test');
    const redirect = await student.get(link.pathname).expect(302);
    expect(redirect.headers.location.startsWith(`${baseUrl}/${meeting.roomName}?jwt=`)).toBe(true);
    const pupil = await landOn(redirect.headers.location);
    expect(pupil).toMatchObject({ status: 200, verdict: 'joined', affiliation: 'member', room: meeting.roomName });
    expect(pupil.html).toContain('as participant');

    const started = await teacher.get(`/meetings/${meeting.id}/start`).expect(302);
    const organizer = await landOn(started.headers.location);
    expect(organizer).toMatchObject({ verdict: 'joined', affiliation: 'owner', room: meeting.roomName });
    expect(organizer.html).toContain('Sam Student'); // the student is shown as being in the room
    expect(
      jitsi
        .rooms()
        .get(meeting.roomName)
        ?.map((o) => o.affiliation)
        .sort(),
    ).toEqual(['member', 'owner']);

    // The same token in another room's URL: Prosody refuses it.
    const elsewhere = new URL(redirect.headers.location);
    elsewhere.pathname = '/another-room';
    expect(await landOn(elsewhere.toString())).toMatchObject({ status: 403, verdict: 'refused', room: 'another-room' });
    expect(await env.api.app.get(DataSource).getRepository(AuditEvent).countBy({ action: 'token.issued', subjectId: meeting.id })).toBe(2);
  });
});
