import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import type { FixedClock } from '@moderato/core';
import { startDevJitsi } from '@moderato/dev-jitsi';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { freePort } from '@moderato/testing';
import type { SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/**
 * The development stand-in as an RS256 Jitsi host with muc_end_meeting: it fetches the login keys
 * from /asap/<serverId> and the system keys from /asap/system of this api (through its routes).
 */
export async function rs256StandIn(env: SignedInApi, clock: FixedClock, name: string, overrides: { appId?: string } = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const { server } = await env.api.app.get(JitsiServersService).create(
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
