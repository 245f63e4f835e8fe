import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FixedClock } from '@moderato/core';
import { RemindersService } from '@moderato/meetings';
import { LogCapture, testConfig, testRedisUrl } from '@moderato/testing';
// The worker runs the top-up; this test boots it beside the api, as an operator does.
// eslint-disable-next-line no-restricted-imports
import { createWorker } from '../../worker/src/bootstrap';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const DAY = 86_400_000;

describe('reminders of long series are topped up beyond the 60-day horizon', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let meetingId: string;
  const clock = new FixedClock(new Date('2027-01-04T06:00:00Z'));
  const pending = async () =>
    (
      await dataSource.query(
        "SELECT o.payload->>'occurrence' AS occurrence FROM outbox_messages o JOIN invitations i ON i.id = o.invitation_id WHERE i.meeting_id = $1 AND o.kind = 'reminder' AND o.status = 'pending' ORDER BY 1",
        [meetingId],
      )
    ).map((row: { occurrence: string }) => row.occurrence.slice(0, 10));

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    const teacher = await env.signIn('teacher@school.test');
    const csrf = await env.csrf(teacher);
    const created = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Daily stand-up',
        startsAt: '2027-01-05T08:00:00+01:00',
        endsAt: '2027-01-05T08:15:00+01:00',
        timezone: 'Europe/Berlin',
        recurrence: 'FREQ=DAILY;COUNT=150',
        invitees: [{ email: 'student@school.test' }],
      })
      .expect(201);
    meetingId = created.body.id;
  });
  afterAll(async () => {
    await env?.close();
  });

  it('at creation, reminders exist for the dates of the next 60 days only', async () => {
    const dates = await pending();
    expect(dates[0]).toBe('2027-01-05');
    expect(dates.at(-1)).toBe('2027-03-04');
    expect(dates).toHaveLength(59);
  });

  it('a month later the top-up adds the next dates, once: no date twice, none missing', async () => {
    clock.advance(30 * DAY);
    const service = env.api.app.get(RemindersService);
    expect(await service.topUpReminders()).toBe(1);
    const dates = await pending();
    expect(dates[0]).toBe('2027-02-03');
    // Summer time from 28 March: 08:00 in Berlin is 06:00 UTC, exactly 60 days after "now".
    expect(dates.at(-1)).toBe('2027-04-04');
    expect(new Set(dates).size).toBe(dates.length);
    await service.topUpReminders();
    expect(await pending()).toEqual(dates);
  });

  it('the worker runs it on start (one replica at a time)', async () => {
    await dataSource.query("DELETE FROM outbox_messages WHERE kind = 'reminder'");
    const config = testConfig(env.api.db.url, { REDIS_URL: testRedisUrl(9) });
    const logs = new LogCapture();
    let worker: INestApplicationContext | undefined;
    try {
      worker = await createWorker({ config, logDestination: logs, mail: { pollIntervalMs: 0, reminderTopUpIntervalMs: 3_600_000 } });
      await worker.init();
      for (let i = 0; i < 50 && !(await pending()).length; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      // The worker's clock is the real one (2026): every date of the series is within its horizon or later.
      expect((await pending()).length).toBeGreaterThan(0);
    } finally {
      await worker?.close();
    }
  });

  it('a cancelled series gets no new reminders', async () => {
    const service = env.api.app.get(RemindersService);
    await dataSource.query('UPDATE meetings SET cancelled_at = now() WHERE id = $1', [meetingId]);
    await dataSource.query("DELETE FROM outbox_messages WHERE kind = 'reminder'");
    expect(await service.topUpReminders()).toBe(0);
    expect(await pending()).toEqual([]);
  });
});
