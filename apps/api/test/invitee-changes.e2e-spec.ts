import type { ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { User } from '@moderato/identity';
import type { JitsiServer } from '@moderato/jitsi';
import { Invitation, OutboxMessage } from '@moderato/meetings';
import { Factories, until, type SmtpSink } from '@moderato/testing';
import { type SignedInApi } from './signed-in';
// The invitees' mails are sent by the real worker, the way an operator runs it beside the api.
import { calendarOf, startMailStack, type MailStack } from './mail-stack';

const DAY = 86_400_000;
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

const linkOf = (mail: ParsedMail) => /http:\/\/localhost:3000(\/j\/[A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1];
const to = (mail: ParsedMail) => JSON.stringify(mail.to);

describe('removing an invitee and inviting them again: the calendar follows (mails through the worker and the SMTP sink)', () => {
  let stack: MailStack;
  let env: SignedInApi;
  let sink: SmtpSink;
  let dataSource: DataSource;
  let server: JitsiServer;

  beforeAll(async () => {
    stack = await startMailStack(5);
    ({ env, sink } = stack);
    server = stack.server;
    dataSource = env.api.app.get(DataSource);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('Revoke sends the removed person a cancellation (METHOD:CANCEL, same UID, higher SEQUENCE) and nobody else a mail; Invite again sends a new link', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const start = new Date(Date.now() + DAY);
    const { body: meeting } = await teacher
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
    const invited = await sink.waitFor(2, 15_000);
    const first = invited.find((mail) => to(mail).includes('student@school.test'))!;
    const invitation = calendarOf(first);
    const oldLink = linkOf(first)!;
    const sam = await dataSource.getRepository(Invitation).findOneByOrFail({ meetingId: meeting.id, email: 'student@school.test' });
    await until(async () => (await dataSource.getRepository(Invitation).findOneByOrFail({ id: sam.id })).status === 'sent', 'invitation sent');
    sink.messages.length = 0;

    // The meeting page's Revoke (a form with CSRF).
    const token = await env.csrf(teacher);
    await teacher.post(`/meetings/${meeting.id}/invitations/${sam.id}/revoke`).type('form').send({ _csrf: token }).expect(303);
    const [cancel] = await sink.waitFor(1, 15_000);
    expect(to(cancel)).toContain('student@school.test');
    expect(cancel.subject).toBe('No longer invited: Maths 7b');
    expect(cancel.text).toContain('You are no longer invited to "Maths 7b".');
    expect(cancel.text).not.toContain(oldLink);
    const cancelled = calendarOf(cancel);
    expect(cancelled).toMatchObject({ method: 'CANCEL', uid: invitation.uid });
    expect(cancelled.sequence).toBeGreaterThan(invitation.sequence);
    // Revoking twice tells nobody twice; the other pupil hears nothing.
    await teacher.post(`/meetings/${meeting.id}/invitations/${sam.id}/revoke`).type('form').send({ _csrf: token }).expect(303);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sink.messages).toHaveLength(1);
    const student = await env.signIn('student@school.test');
    expect((await student.get(oldLink)).status).not.toBe(302);

    // Invite again, from the same list: a fresh invitation with a new link, newer than the cancellation.
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('Invite again');
    sink.messages.length = 0;
    await teacher.post(`/meetings/${meeting.id}/invitations/${sam.id}/resend`).type('form').send({ _csrf: token }).expect(303);
    const [again] = await sink.waitFor(1, 15_000);
    expect(again.subject).toBe('Invitation: Maths 7b');
    const newLink = linkOf(again)!;
    expect(newLink).toBeDefined();
    expect(newLink).not.toBe(oldLink);
    const reinvited = calendarOf(again);
    expect(reinvited).toMatchObject({ method: 'REQUEST', uid: invitation.uid });
    expect(reinvited.sequence).toBeGreaterThan(cancelled.sequence);
    await until(async () => (await dataSource.getRepository(Invitation).findOneByOrFail({ id: sam.id })).status === 'sent', 'invited again');
    const opened = await student.get(newLink);
    expect(opened.status).toBeLessThan(400);
  }, 60_000);

  it('revoking someone who never got a mail sends nothing', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const teacherId = (await teacher.get('/api/v1/me').expect(200)).body.id as string;
    // An invitation whose mail was never sent (no outbox row, no sent_at).
    const { meeting, invitations } = await new Factories(dataSource).meeting({
      organizer: await dataSource.getRepository(User).findOneByOrFail({ id: teacherId }),
      server,
      invitees: 1,
      overrides: { title: 'Quiet', startsAt: new Date(Date.now() + 2 * DAY), endsAt: new Date(Date.now() + 2 * DAY + 3600_000) },
    });
    sink.messages.length = 0;
    await teacher
      .patch(`/api/v1/meetings/${meeting.id}/invitations/${invitations[0].id}`)
      .set('x-csrf-token', await env.csrf(teacher))
      .send({ status: 'revoked' })
      .expect(200);
    expect(await dataSource.getRepository(OutboxMessage).countBy({ invitationId: invitations[0].id })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sink.messages).toHaveLength(0);
  }, 30_000);

  it('the meeting page adds pasted people (addresses, "Name <email>", CSV lines name,email): each new one gets their invitation, nobody is invited twice; bad lines show the form again with the input kept', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const start = new Date(Date.now() + 3 * DAY);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Physics 8a',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 3600_000)),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'pia@school.test' }],
      })
      .expect(201);
    await sink.waitFor(1, 15_000);
    sink.messages.length = 0;
    const token = await env.csrf(teacher);
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain(`action="/meetings/${meeting.id}/invitations/add"`);
    expect(page.text).toContain('<label for="f-people">Email addresses</label>');

    const bad = await teacher
      .post(`/meetings/${meeting.id}/invitations/add`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, people: 'no-address-here\nnew@school.test', role: 'participant' })
      .expect(400);
    expect(bad.text).toContain('no-address-here — not a valid email address');
    expect(bad.text).toMatch(/<textarea id="f-people"[^>]*aria-invalid="true"[^>]*>no-address-here\nnew@school.test<\/textarea>/);
    const empty = await teacher
      .post(`/meetings/${meeting.id}/invitations/add`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, people: '  ' })
      .expect(400);
    expect(empty.text).toContain('Enter at least one email address.');
    expect(await dataSource.getRepository(Invitation).countBy({ meetingId: meeting.id })).toBe(1);

    const added = await teacher
      .post(`/meetings/${meeting.id}/invitations/add`)
      .type('form')
      .send({ _csrf: token, people: 'Nina New,nina@school.test\npia@school.test, Otto <otto@school.test>', role: 'moderator' })
      .expect(303);
    expect(added.headers.location).toBe(`/meetings/${meeting.id}`);
    const after = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(after.text).toContain('Invited: 2. Already on the list, not invited again: pia@school.test.');
    const invitations = await dataSource.getRepository(Invitation).find({ where: { meetingId: meeting.id }, order: { email: 'ASC' } });
    expect(invitations.map((i) => [i.email, i.name, i.role])).toEqual([
      ['nina@school.test', 'Nina New', 'moderator'],
      ['otto@school.test', 'Otto', 'moderator'],
      ['pia@school.test', '', 'participant'],
    ]);
    const mails = await sink.waitFor(2, 15_000);
    expect(mails.map(to).sort()).toEqual([expect.stringContaining('nina@school.test'), expect.stringContaining('otto@school.test')]);
    for (const mail of mails) {
      expect(mail.subject).toBe('Invitation: Physics 8a');
      expect(linkOf(mail)).toBeDefined();
      expect(calendarOf(mail).method).toBe('REQUEST');
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sink.messages).toHaveLength(2);
  }, 60_000);

  it('an update mail says what changed: the old and the new time and title', async () => {
    const teacher = await env.signIn('teacher@school.test');
    sink.messages.length = 0;
    const start = new Date('2027-03-01T08:00:00Z');
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Biology',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 3600_000)),
        timezone: 'UTC',
        invitees: [{ email: 'uma@school.test' }],
      })
      .expect(201);
    await sink.waitFor(1, 15_000);
    sink.messages.length = 0;
    await teacher
      .patch(`/api/v1/meetings/${meeting.id}`)
      .set('x-csrf-token', await env.csrf(teacher))
      .send({ version: meeting.version, title: 'Biology (lab)', startsAt: '2027-03-02T09:00:00+00:00', endsAt: '2027-03-02T10:00:00+00:00' })
      .expect(200);
    const [update] = await sink.waitFor(1, 15_000);
    expect(update.subject).toBe('Updated: Biology (lab)');
    expect(update.text).toContain('What changed:');
    expect(update.text).toMatch(/Time: Monday, 1 March 2027, 08:00\s*–\s*09:00 \(Coordinated Universal Time, UTC\) → Tuesday, 2 March 2027, 09:00\s*–\s*10:00/);
    expect(update.text).toContain('Title: "Biology" → "Biology (lab)"');
    expect(calendarOf(update).method).toBe('REQUEST');
  }, 30_000);
});
