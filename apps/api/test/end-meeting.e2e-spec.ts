import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import type { RunningDevJitsi } from '@moderato/dev-jitsi';
import type { JitsiServer } from '@moderato/jitsi';
import { MeetingEnd, PersonDataService } from '@moderato/meetings';
import { rs256StandIn, runningMeeting } from './end-meeting-stand-in';
import { landOnStandIn as landOn, startSignedInApi, type SignedInApi } from './signed-in';

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
    const { body: dates } = await teacher.get(`/api/v1/meetings/${meeting.id}/occurrences`).expect(200);
    const [today, nextDate] = (dates.items ?? dates).map((o: { occurrence: string }) => o.occurrence);
    const csrf = await env.csrf(teacher);
    // Tomorrow's date has not begun: it cannot be ended yet; a date that is no date is a 400 too.
    const early = await teacher
      .post(`/api/v1/meetings/${meeting.id}/end?occurrence=${encodeURIComponent(nextDate)}`)
      .set('x-csrf-token', csrf)
      .expect(400);
    expect(early.body.details).toEqual([{ field: 'occurrence', messages: [expect.stringContaining('a date of this meeting that has begun')] }]);
    await teacher.post(`/api/v1/meetings/${meeting.id}/end`).set('x-csrf-token', csrf).send({ occurrence: 'yesterday' }).expect(400);
    const { body } = await teacher.post(`/api/v1/meetings/${meeting.id}/end`).set('x-csrf-token', csrf).send({ occurrence: today }).expect(200);
    expect(body.occurrence).toBe(new Date(today).toISOString());
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

  it('a meeting may opt in or out of the automatic end (options.autoEnd true/false/null); anything else is a 400', async () => {
    const { meeting } = await runningMeeting(env, teacher, clock, server, { options: { autoEnd: false } });
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('data-auto-end="off"');
    const bad = await teacher
      .patch(`/api/v1/meetings/${meeting.id}`)
      .set('x-csrf-token', await env.csrf(teacher))
      .send({ version: 1, options: { autoEnd: 'yes' } })
      .expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('autoEnd must be true, false or null');
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
    // Co-moderators find the button on "My invitations" (they cannot see the meeting page); pupils do not.
    expect((await coModerator.get('/invitations').expect(200)).text).toContain(`href="/meetings/${meeting.id}/end"`);
    expect((await student.get('/invitations').expect(200)).text).not.toContain(`/meetings/${meeting.id}/end`);
    await coModerator.get(`/meetings/${meeting.id}/end`).expect(200);
    await student.get(`/meetings/${meeting.id}/end`).expect(403);
    const { body } = await coModerator
      .post(`/api/v1/meetings/${meeting.id}/end`)
      .set('x-csrf-token', await env.csrf(coModerator))
      .expect(200);
    expect(body.room).toBe('not_running');
    expect((await student.get(link).set('Accept-Language', 'en').expect(410)).text).toContain('This meeting was ended by Tina Teacher.');

    // The co-moderator's account is deleted: the link names their pseudonym, never their name.
    const ds = env.api.app.get(DataSource);
    const [end] = await ds.getRepository(MeetingEnd).findBy({ meetingId: meeting.id });
    await env.api.app.get(PersonDataService).delete(end.endedById!, {}, { id: null, label: 'test' });
    const after = await student.get(link).set('Accept-Language', 'en').expect(410);
    expect(after.text).not.toContain('Tina Teacher');
    expect(after.text).toMatch(/This meeting was ended by deleted-user-[0-9a-f]{8}\./);
    expect((await ds.getRepository(MeetingEnd).findBy({ meetingId: meeting.id }))[0].endedById).toBeNull();
  });

  it('the button: a confirmation page (GET), the POST needs the CSRF token, then the flash says it is done', async () => {
    const { meeting, link } = await runningMeeting(env, teacher, clock, server);
    const student = await env.signIn('student@school.test');
    await landOn((await student.get(link).expect(302)).headers.location);

    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain(`href="/meetings/${meeting.id}/end"`);
    expect(page.text).toContain('End meeting for everyone');
    expect(page.text).toContain('data-auto-end="policy"');
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
