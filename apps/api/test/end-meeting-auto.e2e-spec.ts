import request from 'supertest';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { FixedClock } from '@moderato/core';
import { JitsiServersService, mintRoomToken, type JitsiServer } from '@moderato/jitsi';
import { DEFAULT_MEETING_OPTIONS, MeetingEnd, type MeetingOptions } from '@moderato/meetings';
import { PolicyService } from '@moderato/policy';
import { Factories, LogCapture, testConfig, testRedisUrl, until } from '@moderato/testing';
// eslint-disable-next-line no-restricted-imports -- the worker app, as the other api tests start it
import { createWorker } from '../../worker/src/bootstrap';
import { rs256StandIn } from './end-meeting-stand-in';
import { landOnStandIn as landOn, startSignedInApi, type SignedInApi } from './signed-in';

const MINUTE = 60_000;

/** The worker ends dates at their scheduled end plus the policy's grace, where the policy or the meeting asks for it. */
describe('End meeting automatically (the worker)', () => {
  let env: SignedInApi;
  let worker: INestApplicationContext | undefined;
  let close: () => Promise<void>;
  let server: JitsiServer;
  // The worker runs on the real clock; the stand-in and the api too (a FixedClock at "now" for the stand-in's key checks).
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    env = await startSignedInApi();
    const standIn = await rs256StandIn(env, clock, 'Jitsi auto-end');
    server = standIn.server;
    close = () => standIn.jitsi.close();
    Object.assign(env, { jitsi: standIn.jitsi });
  });
  afterAll(async () => {
    await worker?.close();
    await close?.();
    await env?.close();
  });

  it('ends a date past its end + grace (room closed, links refused naming Moderato); leaves a meeting that opted out and one within the grace', async () => {
    const ds = env.api.app.get(DataSource);
    const make = new Factories(ds);
    await env.api.app.get(PolicyService).update({ autoEndMeetings: true, autoEndGraceMinutes: 10 }, { id: null, label: 'test' });
    const organizer = await make.organizer();
    const now = Date.now();
    const past = async (options: Partial<MeetingOptions>, endedMinutesAgo: number) =>
      (
        await make.meeting({
          organizer,
          server,
          overrides: {
            startsAt: new Date(now - (endedMinutesAgo + 45) * MINUTE),
            endsAt: new Date(now - endedMinutesAgo * MINUTE),
            joinAfterMinutes: 60,
            options: { ...DEFAULT_MEETING_OPTIONS, ...options },
          },
        })
      ).meeting;
    const due = await past({}, 15);
    const optedOut = await past({ autoEnd: false }, 15);
    const inGrace = await past({}, 5);

    // Someone is in the room of the due meeting at the stand-in.
    const { signingKey } = await env.api.app.get(JitsiServersService).forSigning(server.id);
    const { token } = await mintRoomToken({
      server,
      signingKey,
      room: due.roomName,
      user: { id: 'u-1', name: 'Sam Student', email: 'student@school.test' },
      affiliation: 'member',
      window: { notAfter: new Date(now + 30 * MINUTE) },
      now: clock.now(),
      maxTtlSeconds: 3600,
    });
    const jitsi = (env as unknown as { jitsi: { url: string; rooms(): ReadonlyMap<string, unknown[]> } }).jitsi;
    expect(await landOn(`${jitsi.url}/${due.roomName}?jwt=${token}`)).toMatchObject({ verdict: 'joined' });
    const { code } = await make.invitation(due);

    worker = await createWorker({
      config: testConfig(env.api.db.url, { REDIS_URL: testRedisUrl() }),
      logDestination: new LogCapture(),
      retention: { intervalMs: 0 },
      autoEnd: { intervalMs: 300 },
    });
    await worker.init();

    const ends = ds.getRepository(MeetingEnd);
    await until(async () => (await ends.countBy({ meetingId: due.id })) === 1, 'the due meeting to be ended', 15_000);
    expect(jitsi.rooms().has(due.roomName)).toBe(false);
    const [end] = await ends.findBy({ meetingId: due.id });
    expect(end).toMatchObject({ automatic: true, endedById: null, endedByName: '' });
    expect(end.occurrence.getTime()).toBe(due.startsAt.getTime());
    const refused = await request(env.api.server).get(`/j/${code}`).set('Accept-Language', 'en').expect(410);
    expect(refused.text).toContain('This meeting was ended by Moderato (scheduled end).');
    const german = await request(env.api.server).get(`/j/${code}`).set('Accept-Language', 'de').expect(410);
    expect(german.text).toContain('Diese Besprechung wurde von Moderato (geplantes Ende) beendet.');
    expect(await ds.getRepository(AuditEvent).findOneBy({ action: 'meeting.ended', subjectId: due.id })).toMatchObject({
      actorId: null,
      metadata: expect.objectContaining({ automatic: true, room: 'ended' }),
    });

    // Several passes later: the others are still open.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await ends.countBy({ meetingId: optedOut.id })).toBe(0);
    expect(await ends.countBy({ meetingId: inGrace.id })).toBe(0);
    expect(await ends.countBy({ meetingId: due.id })).toBe(1);
  });

  it('the policy: off by default; the page and the API set it, the grace is checked (0–240 minutes)', async () => {
    const admin = await env.signIn('admin@school.test');
    await env.api.app.get(PolicyService).reset({ id: null, label: 'test' });
    const { body: described } = await admin.get('/api/v1/admin/policy').expect(200);
    expect(described.defaults).toMatchObject({ autoEndMeetings: false, autoEndGraceMinutes: 10 });
    const bad = await admin
      .put('/api/v1/admin/policy')
      .set('x-csrf-token', await env.csrf(admin))
      .send({ autoEndGraceMinutes: 241 })
      .expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('autoEndGraceMinutes');
    const page = await admin.get('/admin/policy').set('Accept-Language', 'de').expect(200);
    expect(page.text).toContain('name="autoEndMeetings"');
    expect(page.text).toContain('Niemand wird vorher gewarnt');
    await admin
      .post('/admin/policy')
      .type('form')
      .send({ _csrf: await env.csrf(admin), autoEndMeetings: 'true', autoEndGraceMinutes: '20' })
      .expect(303);
    expect(await env.api.app.get(PolicyService).current()).toMatchObject({ autoEndMeetings: true, autoEndGraceMinutes: 20 });
  });
});
