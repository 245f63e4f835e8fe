import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { User } from '@moderato/identity';
import type { JitsiServer } from '@moderato/jitsi';
import { Invitation, Meeting, hashLinkCode } from '@moderato/meetings';
import { Factories } from '@moderato/testing';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const DAY = 86_400_000;
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
/** The hidden fields and the action of the confirmation page's form. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]+)"[^>]*data-confirm[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no confirmation form');
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[input[1]] = input[2].replace(/&amp;/g, '&');
  return { action: form[1], fields };
}

describe('Cancel meeting, Cancel this date and Revoke ask first (a page with a POST form, no JavaScript needed)', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  let server: JitsiServer;

  beforeAll(async () => {
    env = await startSignedInApi();
    server = await registerJitsiServer(env.api);
    dataSource = env.api.app.get(DataSource);
  });

  afterAll(async () => {
    await env?.close();
  });

  it('one click only opens the question; the form on it (with CSRF) acts; nobody else can open it', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const start = new Date(Date.now() + DAY);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Chess club',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 3600_000)),
        timezone: 'Europe/Berlin',
        recurrence: 'FREQ=DAILY;COUNT=5',
        invitees: [{ email: 'student@school.test' }],
      })
      .expect(201);
    const [invitation] = await dataSource.getRepository(Invitation).findBy({ meetingId: meeting.id });
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    // The page links to the questions; it has no form that cancels or revokes in one click.
    expect(page.text).toContain(`href="/meetings/${meeting.id}/cancel"`);
    expect(page.text).toContain(`href="/meetings/${meeting.id}/invitations/${invitation.id}/revoke"`);
    const dateLink = new RegExp(`href="(/meetings/${meeting.id}/occurrences/cancel\\?occurrence=[^"]+)"`).exec(page.text)![1];
    expect(page.text).not.toMatch(/<form method="post" action="[^"]*\/(cancel|revoke)"/);

    // Revoke: the question names the person; "Yes" revokes.
    const revoke = await teacher.get(`/meetings/${meeting.id}/invitations/${invitation.id}/revoke`).set('Accept-Language', 'en').expect(200);
    expect(revoke.text).toContain('<h1>Revoke this invitation?</h1>');
    expect(revoke.text).toContain('student@school.test can no longer join');
    expect(revoke.text).toContain(`href="/meetings/${meeting.id}">No, back to the meeting</a>`);
    expect((await dataSource.getRepository(Invitation).findOneByOrFail({ id: invitation.id })).status).not.toBe('revoked');
    const revokeForm = formOf(revoke.text);
    expect(revokeForm.fields._csrf).toBeTruthy();
    await teacher.post(revokeForm.action).type('form').send(revokeForm.fields).expect(303);
    expect((await dataSource.getRepository(Invitation).findOneByOrFail({ id: invitation.id })).status).toBe('revoked');
    // Without the token the form does nothing.
    await teacher.post(`/meetings/${meeting.id}/cancel`).type('form').send({}).expect(403);

    // Cancel this date: the question shows the date (in German here).
    const date = await teacher.get(dateLink.replace(/&amp;/g, '&')).set('Accept-Language', 'de').expect(200);
    expect(date.text).toContain('<h1>Dieses Datum absagen?</h1>');
    const dateForm = formOf(date.text);
    expect(dateForm.fields.occurrence).toBe(new Date(meeting.startsAt).toISOString());
    await teacher.post(dateForm.action).type('form').send(dateForm.fields).expect(303);
    expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id })).recurrenceExceptions).toEqual([
      { occurrence: dateForm.fields.occurrence, cancelled: true },
    ]);
    await teacher.get(`/meetings/${meeting.id}/occurrences/cancel?occurrence=someday`).expect(400);

    // Someone else's meeting: not found, no question.
    const other = await env.signIn('student@school.test');
    await other.get(`/meetings/${meeting.id}/cancel`).expect(404);
    await other.get(`/meetings/${meeting.id}/invitations/${invitation.id}/revoke`).expect(404);

    // Cancel meeting: asked first, then cancelled.
    const cancel = await teacher.get(`/meetings/${meeting.id}/cancel`).set('Accept-Language', 'en').expect(200);
    expect(cancel.text).toContain('Everyone invited to &quot;Chess club&quot; gets a cancellation');
    expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id })).cancelledAt).toBeNull();
    const cancelForm = formOf(cancel.text);
    await teacher.post(cancelForm.action).type('form').send(cancelForm.fields).expect(303);
    expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id })).cancelledAt).not.toBeNull();
  }, 60_000);

  it('Start is not offered for an ended meeting (its page, My meetings), and is for one to come', async () => {
    const teacher = await env.signIn('teacher@school.test');
    const teacherId = (await teacher.get('/api/v1/me').expect(200)).body.id as string;
    const organizer = await dataSource.getRepository(User).findOneByOrFail({ id: teacherId });
    const factories = new Factories(dataSource);
    const { meeting: ended } = await factories.meeting({
      organizer,
      server,
      overrides: { title: 'Yesterday', startsAt: new Date(Date.now() - DAY), endsAt: new Date(Date.now() - DAY + 3600_000) },
    });
    const { meeting: soon } = await factories.meeting({
      organizer,
      server,
      overrides: { title: 'Now', startsAt: new Date(Date.now() + 60_000), endsAt: new Date(Date.now() + 3600_000) },
    });
    const endedPage = await teacher.get(`/meetings/${ended.id}`).set('Accept-Language', 'en').expect(200);
    expect(endedPage.text).not.toContain(`href="/meetings/${ended.id}/start"`);
    expect(endedPage.text).toContain('This meeting has ended');
    const past = await teacher.get('/meetings?when=past').expect(200);
    expect(past.text).toContain('Yesterday');
    expect(past.text).not.toContain(`href="/meetings/${ended.id}/start"`);
    const soonPage = await teacher.get(`/meetings/${soon.id}`).set('Accept-Language', 'en').expect(200);
    expect(soonPage.text).toContain(`href="/meetings/${soon.id}/start"`);
    expect(soonPage.text).not.toContain('data-ended');
  }, 30_000);

  it("the organizer can show an invitee's personal link (recomputed, the one that opens their invitation), audited; nobody else can", async () => {
    const teacher = await env.signIn('teacher@school.test');
    const start = new Date(Date.now() + DAY);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Art',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 3600_000)),
        timezone: 'UTC',
        invitees: [{ email: 'ida@school.test' }],
      })
      .expect(201);
    const invitations = await dataSource.getRepository(Invitation).findBy({ meetingId: meeting.id });
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain(`href="/meetings/${meeting.id}/invitations/${invitations[0].id}/link"`);
    const shown = await teacher.get(`/meetings/${meeting.id}/invitations/${invitations[0].id}/link`).set('Accept-Language', 'en').expect(200);
    expect(shown.headers['cache-control']).toContain('no-store');
    expect(shown.text).toContain(`The personal link of ${invitations[0].email}`);
    const code = /readonly value="http:\/\/localhost:3000\/j\/([A-Za-z0-9_-]+)"/.exec(shown.text)![1];
    expect(hashLinkCode(code)).toBe(invitations[0].linkCodeHash);
    expect(await dataSource.getRepository(AuditEvent).countBy({ action: 'invitation.link_shown', subjectId: invitations[0].id })).toBe(1);
    const other = await env.signIn('student@school.test');
    await other.get(`/meetings/${meeting.id}/invitations/${invitations[0].id}/link`).expect(404);
    await dataSource.getRepository(Invitation).update({ id: invitations[0].id }, { status: 'revoked' });
    await teacher.get(`/meetings/${meeting.id}/invitations/${invitations[0].id}/link`).expect(404);
  }, 30_000);
});
