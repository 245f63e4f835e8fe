import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { startDevJitsi, type RunningDevJitsi } from '@moderato/dev-jitsi';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { Invitation, LinkCodes, MeetingEnd } from '@moderato/meetings';
import { freePort } from '@moderato/testing';
import { landOnStandIn as landOn, startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/**
 * The development stand-in as an RS256 Jitsi host with muc_end_meeting: it fetches the login keys
 * from /asap/<serverId> and the system keys from /asap/system of this api (through its routes).
 */
export async function rs256StandIn(env: SignedInApi, clock: FixedClock, name: string, overrides: { appId?: string } = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const { server } = await env.api.app
    .get(JitsiServersService)
    .create(
      {
        name,
        baseUrl,
        xmppDomain: 'meet.jitsi',
        appId: 'moderato',
        audience: 'jitsi',
        signingMode: 'RS256',
        prosodyHttpUrl: baseUrl,
        mucDomain: 'conference.meet.jitsi',
      },
      { id: null, label: 'test' },
    );
  const fetchKey = async (url: string) => {
    const res = await request(env.api.server).get(new URL(url).pathname);
    return res.status === 200 ? res.text : null;
  };
  const jitsi = await startDevJitsi({
    settings: {
      domain: 'meet.jitsi',
      mucDomain: 'conference.meet.jitsi',
      appId: overrides.appId ?? 'moderato',
      acceptedAudiences: ['jitsi'],
      asapKeyServer: `http://localhost:3000/asap/${server.id}`,
      systemKeyServer: 'http://localhost:3000/asap/system',
    },
    port,
    clock,
    fetchKey,
  });
  return { server, jitsi };
}

/** A meeting of `teacher` on `server`, running now (its window open), with the student invited. */
export async function runningMeeting(env: SignedInApi, teacher: TestAgent, clock: FixedClock, server: JitsiServer, extra: Record<string, unknown> = {}) {
  const start = new Date(clock.now().getTime() + 5 * 60_000);
  const { body } = await teacher
    .post('/api/v1/meetings')
    .set('x-csrf-token', await env.csrf(teacher))
    .send({
      title: 'Maths 7b',
      serverId: server.id,
      startsAt: iso(start),
      endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
      timezone: 'Europe/Berlin',
      invitees: [{ email: 'student@school.test' }, { email: 'teacher2@school.test', role: 'moderator' }],
      ...extra,
    })
    .expect(201);
  const invitation = await env.api.app.get(DataSource).getRepository(Invitation).findOneByOrFail({ meetingId: body.id, email: 'student@school.test' });
  return { meeting: body as { id: string; roomName: string }, link: new URL(env.api.app.get(LinkCodes).linkFor(invitation)).pathname };
}

describe('End meeting for everyone: muc_end_meeting at the development stand-in', () => {
  let env: SignedInApi;
  let jitsi: RunningDevJitsi;
  let server: JitsiServer;
  let teacher: TestAgent;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    ({ server, jitsi } = await rs256StandIn(env, clock, 'Jitsi RS256'));
    teacher = await env.signIn('teacher@school.test');
  });
  afterAll(async () => {
    await jitsi?.close();
    await env?.close();
  });

  it('closes the room at the stand-in; later links and Start for that date are refused, naming who ended it (en, de)', async () => {
    const { meeting, link } = await runningMeeting(env, teacher, clock, server);
    const student = await env.signIn('student@school.test');
    const joined = await student.get(link).expect(302);
    expect(await landOn(joined.headers.location)).toMatchObject({ verdict: 'joined', room: meeting.roomName });
    expect(jitsi.rooms().get(meeting.roomName)).toHaveLength(1);

    const { body } = await teacher
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(teacher))
      .send({})
      .expect(200);
    expect(body).toMatchObject({ meetingId: meeting.id, room: 'ended' });
    expect(jitsi.rooms().has(meeting.roomName)).toBe(false);

    const refused = await student.get(link).set('Accept-Language', 'en').expect(410);
    expect(refused.text).toContain('This meeting was ended by Tom Teacher.');
    const german = await student.get(link).set('Accept-Language', 'de').expect(410);
    expect(german.text).toContain('Diese Besprechung wurde von Tom Teacher beendet.');
    await teacher.get(`/meetings/${meeting.id}/start`).expect(410);
    expect(jitsi.rooms().has(meeting.roomName)).toBe(false);

    const events = await env.api.app.get(DataSource).getRepository(AuditEvent).findBy({ action: 'meeting.ended', subjectId: meeting.id });
    expect(events).toHaveLength(1);
    expect(events[0].metadata).toMatchObject({ room: 'ended', roomName: meeting.roomName });
    // The meeting page says who ended this date instead of offering the button again.
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('This date was ended by Tom Teacher.');
    expect(page.text).not.toContain('data-end-meeting href');
  });

  it("a series: the ended date is refused, the next date opens as usual (the join statement reads the meeting's ends)", async () => {
    const { meeting, link } = await runningMeeting(env, teacher, clock, server, { recurrence: 'FREQ=DAILY;COUNT=3', title: 'Daily stand-up' });
    await teacher
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(teacher))
      .expect(200);
    const student = await env.signIn('student@school.test');
    await student.get(link).expect(410);
    const ends = await env.api.app.get(DataSource).getRepository(MeetingEnd).findBy({ meetingId: meeting.id });
    expect(ends).toHaveLength(1);

    clock.advance(24 * 3600_000);
    const tomorrow = await env.signIn('student@school.test');
    const joined = await tomorrow.get(link).expect(302);
    expect(await landOn(joined.headers.location)).toMatchObject({ verdict: 'joined', room: meeting.roomName });
    clock.advance(-24 * 3600_000);
  });

  it('a co-moderator may end it; a pupil is refused with 403; a stranger gets 404', async () => {
    const { meeting, link } = await runningMeeting(env, teacher, clock, server);
    const student = await env.signIn('student@school.test');
    await student.get(link).expect(302);
    const pupil = await student
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(student))
      .expect(403);
    expect(pupil.body.code).toBe('END_MEETING_FORBIDDEN');
    const stranger = await env.signIn('student2@school.test');
    await stranger
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(stranger))
      .expect(404);

    // Nobody is in the room now: Prosody answers 404, the date is ended all the same.
    const coModerator = await env.signIn('teacher2@school.test');
    const { body } = await coModerator
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(coModerator))
      .expect(200);
    expect(body.room).toBe('not_running');
    await student.get(link).expect(410);
  });

  it('the button: a confirmation page (GET), the POST needs the CSRF token, then the flash says it is done', async () => {
    const { meeting, link } = await runningMeeting(env, teacher, clock, server);
    const student = await env.signIn('student@school.test');
    await landOn((await student.get(link).expect(302)).headers.location);

    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain(`href="/meetings/${meeting.id}/end"`);
    expect(page.text).toContain('End meeting for everyone');
    const confirm = await teacher.get(`/meetings/${meeting.id}/end`).set('Accept-Language', 'de').expect(200);
    expect(confirm.text).toContain('Besprechung für alle beenden?');
    const occurrence = /name="occurrence" value="([^"]+)"/.exec(confirm.text)?.[1];
    expect(occurrence).toBeDefined();

    await teacher.post(`/meetings/${meeting.id}/end`).type('form').send({ occurrence }).expect(403);
    expect(jitsi.rooms().has(meeting.roomName)).toBe(true);

    const done = await teacher
      .post(`/meetings/${meeting.id}/end`)
      .type('form')
      .send({ _csrf: await env.csrf(teacher), occurrence })
      .expect(303);
    expect(done.headers.location).toBe(`/meetings/${meeting.id}`);
    expect(jitsi.rooms().has(meeting.roomName)).toBe(false);
    const after = await teacher.get(done.headers.location).set('Accept-Language', 'en').expect(200);
    expect(after.text).toContain('The meeting was ended for everyone.');
  });
});
