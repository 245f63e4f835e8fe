import { startSmtpSink, until, type SmtpSink } from '@moderato/testing';
import { type SignedInApi } from './signed-in';
// The full-stack test boots the worker app beside the api, the way an operator runs both.
import { startMailStack, type MailStack } from './mail-stack';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** api + worker + dev-idp + SMTP sink + PostgreSQL + Redis: from scheduling to the Jitsi room. */
describe('the whole way: schedule → mail → link → login → token', () => {
  let stack: MailStack;
  let env: SignedInApi;
  let sink: SmtpSink;

  beforeAll(async () => {
    stack = await startMailStack(12);
    ({ env, sink } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('the student reads the invitation, follows the link, signs in and gets a member token; student2 cannot use it', async () => {
    const teacher = await env.signIn('teacher@school.test');
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
        invitees: [{ email: 'student@school.test', name: 'Sam Student' }, { email: 'student2@school.test' }],
      })
      .expect(201);

    const mails = await sink.waitFor(2, 15_000);
    const toStudent = mails.find((mail) => mail.to && JSON.stringify(mail.to).includes('student@school.test'))!;
    expect(toStudent.subject).toContain('Maths 7b');
    const link = /http:\/\/localhost:3000(\/j\/[A-Za-z0-9_-]+)/.exec(toStudent.text ?? '')![1];

    const student = await env.signIn('student@school.test');
    const res = await student.get(link).expect(302);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe(`https://meet.school.test/${meeting.roomName}`);
    const payload = JSON.parse(Buffer.from(url.searchParams.get('jwt')!.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: meeting.roomName });
    expect(payload.context.user).toMatchObject({ affiliation: 'member', moderator: false });
    expect(payload.exp * 1000).toBeLessThanOrEqual(new Date(meeting.endsAt).getTime());

    const student2 = await env.signIn('student2@school.test');
    const refused = await student2.get(link).expect(403);
    expect(refused.headers.location).toBeUndefined();

    // The organizer sees both invitations as sent, and one joined.
    const invitations = (await teacher.get(`/api/v1/meetings/${meeting.id}/invitations`).expect(200)).body as {
      email: string;
      status: string;
      joinedAt: string | null;
    }[];
    expect(invitations.map((i) => [i.email, i.status, i.joinedAt !== null]).sort()).toEqual([
      ['student2@school.test', 'sent', false],
      ['student@school.test', 'sent', true],
    ]);
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text.match(/data-status="sent"/g)).toHaveLength(2);
  });

  it('mails a reminder when it is due (reminderMinutes before the start), to every invitee', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const csrf = await env.csrf(teacher);
    sink.messages.length = 0;
    // Starts at the next whole minute at least 62 s away (starts are kept to the minute) with a
    // 1-minute reminder: due in 2 to 62 s.
    const start = new Date(Math.ceil((Date.now() + 62_000) / 60_000) * 60_000);
    await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Quick check-in',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 15 * 60_000)),
        timezone: 'Europe/Berlin',
        options: { reminderMinutes: 1 },
        invitees: [{ email: 'student@school.test' }],
      })
      .expect(201);
    const mails = await sink.waitFor(2, 90_000); // the invitation, then the reminder
    const subjects = mails.map((mail) => mail.subject ?? '');
    expect(subjects.some((subject) => /remind|erinner/i.test(subject))).toBe(true);
    const reminder = mails.find((mail) => /remind|erinner/i.test(mail.subject ?? ''))!;
    expect(reminder.text).toMatch(/http:\/\/localhost:3000\/j\/[A-Za-z0-9_-]+/);
    expect(reminder.date!.getTime()).toBeLessThan(start.getTime());
  }, 120_000);

  it('SMTP down: the meeting page says retrying (en, de), the admin dashboard how many mails wait since when and why; once SMTP is back they leave by themselves', async () => {
    const port = sink.port;
    await sink.stop();
    const teacher = await env.signIn('teacher@school.test');
    const admin = await env.signIn('admin@school.test');
    let meetingId = '';
    try {
      const start = new Date(Date.now() + 3600_000);
      const { body: meeting } = await teacher
        .post('/api/v1/meetings')
        .set('x-csrf-token', await env.csrf(teacher))
        .send({
          title: 'Outage',
          startsAt: iso(start),
          endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
          timezone: 'Europe/Berlin',
          invitees: [{ email: 'student@school.test' }, { email: 'student2@school.test' }],
        })
        .expect(201);
      meetingId = meeting.id;
      const page = await until(async () => {
        const res = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
        return res.text.match(/data-status="retrying"/g)?.length === 2 && res.text;
      }, 'both invitations retrying');
      expect(page).toContain('>retrying</td>');
      expect(page).not.toContain('data-status="failed"');
      const german = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'de').expect(200);
      expect(german.text).toContain('>wird erneut versucht</td>');
      const dashboard = await admin.get('/admin').set('Accept-Language', 'en').expect(200);
      expect(dashboard.text).toMatch(/2 mails waiting since [^<]+: [^<]*ECONNREFUSED/);
    } finally {
      sink = stack.sink = await startSmtpSink({ port });
    }
    await sink.waitFor(2, 15_000);
    const sent = await until(async () => {
      const invitations = (await teacher.get(`/api/v1/meetings/${meetingId}/invitations`).expect(200)).body as { status: string }[];
      return invitations.every((i) => i.status === 'sent') && invitations;
    }, 'both invitations sent');
    expect(sent).toHaveLength(2);
    const dashboard = await admin.get('/admin').set('Accept-Language', 'en').expect(200);
    expect(dashboard.text).not.toContain('data-mail-backlog');
  });
});
