import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { ensureDevServer, startDevJitsi, type RunningDevJitsi } from '@moderato/dev-jitsi';
import { JitsiEventsSecrets, JitsiServersService } from '@moderato/jitsi';
import { Invitation, LinkCodes, PresenceInterval } from '@moderato/meetings';
import { freePort } from '@moderato/testing';
import { landOnStandIn as landOn, startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** `npm run dev`'s Jitsi stand-in posts presence as event_sync would: joins and leaves become attendance. */
describe('the development Jitsi stand-in reports presence to Moderato (event_sync format)', () => {
  let env: SignedInApi;
  let jitsi: RunningDevJitsi;

  beforeAll(async () => {
    env = await startSignedInApi();
    // The stand-in posts over HTTP: the api listens on a real port.
    await env.api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(env.api.app.getHttpServer().address() as AddressInfo).port}`;
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    const { server, settings } = await ensureDevServer(env.api.app.get(JitsiServersService), baseUrl, 'http://localhost:3000');
    const { secret } = await env.api.app.get(JitsiEventsSecrets).rotate(server.id, { id: null, label: 'test' });
    jitsi = await startDevJitsi({
      settings,
      port: Number(new URL(baseUrl).port),
      events: { apiPrefix: `${apiUrl}/jitsi/${server.id}`, secret, retryDelayMs: 50 },
    });
  });
  afterAll(async () => {
    await jitsi?.close();
    await env?.close();
  });

  it('joining and leaving at the stand-in shows in the room now, then as attendance; the last one out is closed by the room end and then by their own left', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const csrf = await env.csrf(teacher);
    const start = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
    const servers = await env.api.app.get(JitsiServersService).list();
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Maths 7b',
        serverId: servers[0].id,
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test', name: 'Sam Student' }],
      })
      .expect(201);
    const invitation = await env.api.app.get(DataSource).getRepository(Invitation).findOneByOrFail({ meetingId: meeting.id });
    const student = await env.signIn('student@school.test');
    const redirect = await student.get(new URL(env.api.app.get(LinkCodes).linkFor(invitation)).pathname).expect(302);
    expect((await landOn(redirect.headers.location)).verdict).toBe('joined');
    const started = await teacher.get(`/meetings/${meeting.id}/start`).expect(302);
    expect((await landOn(started.headers.location)).verdict).toBe('joined');
    await jitsi.flushEvents();

    const live = await teacher.get(`/api/v1/meetings/${meeting.id}/live`).expect(200);
    expect({ ...live.body, names: [...live.body.names].sort() }).toEqual({ reports: true, count: 2, names: ['Sam Student', 'Tom Teacher'] });
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('data-live-count="2"');

    // My meetings shows it beside Start; the admin dashboard and its API for every room.
    const list = await teacher.get('/meetings').set('Accept-Language', 'en').expect(200);
    expect(list.text).toContain(`data-live="/api/v1/meetings/${meeting.id}/live"`);
    expect(list.text).toContain('2 people in the room');
    const admin = await env.signIn('admin@school.test');
    const everywhere = await admin.get('/api/v1/admin/live').expect(200);
    expect(everywhere.body.rooms).toEqual([
      expect.objectContaining({ kind: 'meeting', id: meeting.id, title: 'Maths 7b', roomName: meeting.roomName, count: 2 }),
    ]);
    const dashboard = await admin.get('/admin').set('Accept-Language', 'de').expect(200);
    expect(dashboard.text).toContain('Jetzt im Raum');
    expect(dashboard.text).toContain(`data-live-room="${meeting.roomName}"`);
    await teacher.get('/api/v1/admin/live').expect(403);

    const occupants = jitsi.rooms().get(meeting.roomName)!;
    const leave = (id: string) => fetch(`${jitsi.url}/${meeting.roomName}/leave`, { method: 'POST', body: new URLSearchParams({ occupant: id }) });
    await leave(occupants.find((o) => o.affiliation === 'member')!.id);
    await leave(occupants.find((o) => o.affiliation === 'owner')!.id);
    await jitsi.flushEvents();

    expect((await teacher.get(`/api/v1/meetings/${meeting.id}/live`).expect(200)).body.count).toBe(0);
    const report = await teacher.get(`/api/v1/meetings/${meeting.id}/attendance`).query({ occurrence: start.toISOString() }).expect(200);
    const attendees = report.body.attendees.map((a: { email: string; role: string; present: boolean }) => [a.email, a.role, a.present]);
    expect(attendees.sort()).toEqual([
      ['student@school.test', 'participant', false],
      ['teacher@school.test', 'organizer', false],
    ]);
    expect(report.body.absent).toEqual([]);
    const rows = await env.api.app.get(DataSource).getRepository(PresenceInterval).findBy({ roomName: meeting.roomName });
    expect(rows.map((r) => r.leftBy).sort()).toEqual(['left', 'left']);
    expect(rows.every((r) => /^[0-9a-f-]{36}@meet\.jitsi\/[0-9a-f]{8}$/.test(r.occupantJid))).toBe(true);
  });
});
