import type { ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { User } from '@moderato/identity';
import type { JitsiServer } from '@moderato/jitsi';
import { Invitation, Meeting } from '@moderato/meetings';
import { PermanentRoom } from '@moderato/rooms';
import { Factories, until, type SmtpSink } from '@moderato/testing';
import { type SignedInApi } from './signed-in';
// The invitees' mails are sent by the real worker, the way an operator runs it beside the api.
import { calendarOf, startMailStack, type MailStack } from './mail-stack';

const DAY = 86_400_000;
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

const to = (mail: ParsedMail) => JSON.stringify(mail.to);

describe('deleting a teacher with cancelMeetings: the pupils are told, the calendar entry goes, nothing of the teacher stays (mails, audit log, room access lists, server checks)', () => {
  let stack: MailStack;
  let env: SignedInApi;
  let sink: SmtpSink;
  let dataSource: DataSource;
  let server: JitsiServer;

  beforeAll(async () => {
    stack = await startMailStack(7);
    ({ env, sink } = stack);
    server = stack.server;
    dataSource = env.api.app.get(DataSource);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('both pupils get the cancellation (METHOD:CANCEL, the meeting UID) without the teacher in it; their links no longer open it; the past meeting is gone', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const teacherId = (await teacher.get('/api/v1/me').expect(200)).body.id as string;
    const start = new Date(Date.now() + DAY);
    const { body: upcoming } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Maths 7b',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test', name: 'Sam Student' }, { email: 'student2@school.test' }],
      })
      .expect(201);
    const invitationMails = await sink.waitFor(2, 15_000);
    const links = invitationMails.map((mail) => /http:\/\/localhost:3000(\/j\/[A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1]);
    const invitationUid = calendarOf(invitationMails[0]).event.getFirstPropertyValue('uid');
    // A lesson of last week: nobody needs to hear of it again.
    const { meeting: past } = await new Factories(dataSource).meeting({
      organizer: await dataSource.getRepository(User).findOneByOrFail({ id: teacherId }),
      server,
      invitees: 1,
      overrides: { title: 'Last week', startsAt: new Date(Date.now() - 7 * DAY), endsAt: new Date(Date.now() - 7 * DAY + 3600_000) },
    });
    // The teacher is named in a staff room's access list and ran "Test this server".
    const room = await dataSource.getRepository(PermanentRoom).save({
      name: 'Staff room',
      slug: 'staff-room',
      serverId: server.id,
      roomName: 'staff-room-0123456789',
      access: [
        { kind: 'user', value: 'teacher@school.test', affiliation: 'moderator' },
        { kind: 'group', value: 'teachers', affiliation: 'member' },
      ],
    });
    const [check] = await dataSource.query(
      `INSERT INTO jitsi_server_checks (server_id, room, other_room, settings_fingerprint, started_at, expires_at, started_by_id, started_by_label)
       VALUES ($1, 'check-a', 'check-b', repeat('0', 64), now(), now(), $2, 'teacher@school.test') RETURNING id`,
      [server.id, teacherId],
    );
    sink.messages.length = 0;

    const admin = await env.signIn('admin@school.test');
    const res = await admin
      .delete(`/api/v1/admin/users/${teacherId}`)
      .set('x-csrf-token', await env.csrf(admin))
      .send({ cancelMeetings: true })
      .expect(200);
    expect(res.body).toMatchObject({ meetingsCancelled: 1, meetingsDeleted: 1, meetingsHandedOver: 0, roomAccessLists: 1, serverChecks: 1 });
    // The room keeps its other entries; the check names the audit log's pseudonym.
    expect((await dataSource.getRepository(PermanentRoom).findOneByOrFail({ id: room.id })).access).toEqual([
      { kind: 'group', value: 'teachers', affiliation: 'member' },
    ]);
    const [relabelled] = await dataSource.query('SELECT started_by_id, started_by_label FROM jitsi_server_checks WHERE id = $1', [check.id]);
    expect(relabelled.started_by_label).toBe(res.body.pseudonym);
    expect(relabelled.started_by_id).not.toBe(teacherId);

    const mails = await sink.waitFor(2, 15_000);
    expect(mails.map(to).sort()).toEqual([expect.stringContaining('student2@school.test'), expect.stringContaining('student@school.test')].sort());
    for (const mail of mails) {
      expect(mail.subject).toMatch(/^(Cancelled|Abgesagt): Maths 7b$/);
      expect(mail.text).toMatch(/"Maths 7b" has been cancelled\.|„Maths 7b“ wurde abgesagt\./);
      const { method, event, raw } = calendarOf(mail);
      expect(method).toBe('CANCEL');
      expect(event.getFirstPropertyValue('uid')).toBe(invitationUid);
      expect(event.getFirstPropertyValue('uid')).toBe(`${upcoming.id}@moderato`);
      expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
      // Nothing names the deleted teacher: not the text, the HTML, the headers or the calendar entry.
      const everything = [mail.text, mail.html, raw, JSON.stringify(mail.headers), JSON.stringify(mail.replyTo ?? null)].join('\n');
      for (const trace of ['teacher@school.test', 'Tom Teacher']) expect(everything).not.toContain(trace);
    }
    // Sent, and no other mail (no reminder, no invitation) follows.
    await until(
      async () => (await dataSource.getRepository(Invitation).findBy({ meetingId: upcoming.id })).every((i) => i.status === 'sent'),
      'cancellations sent',
    );
    expect(sink.messages).toHaveLength(2);

    // The meeting stays cancelled, without organizer, until retention; the past one is gone with its invitation.
    expect(await dataSource.getRepository(Meeting).findOneByOrFail({ id: upcoming.id })).toMatchObject({ organizerId: null, cancelledAt: expect.any(Date) });
    expect(await dataSource.getRepository(Meeting).countBy({ id: past.id })).toBe(0);
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: past.id })).toBe(0);

    const student = await env.signIn('student@school.test');
    for (const link of links) {
      // The link leads to no meeting (and no Jitsi room) any more.
      const opened = await student.get(link).expect(404);
      expect(opened.headers.location).toBeUndefined();
    }

    const audit = JSON.stringify(await dataSource.getRepository(AuditEvent).find());
    for (const trace of ['teacher@school.test', 'Tom Teacher', teacherId]) expect(audit).not.toContain(trace);
    const cancelled = await dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'meeting.cancelled', subjectId: upcoming.id });
    expect(cancelled.actorLabel).toBe('admin@school.test');
  }, 60_000);
});
