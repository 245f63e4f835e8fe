import type { Browser } from 'playwright-core';
import { LinkCodes, MeetingsService } from '@moderato/meetings';
import { User } from '@moderato/identity';
import { Factories, launchChromium } from '@moderato/testing';
import { DataSource } from 'typeorm';
import type { RunningApi } from './api-app';
import { registerJitsiServer, startListeningApi } from './signed-in';

/** The student's path in Chromium: personal link → sign-in at the IdP → into the Jitsi room. */
describe('joining from a personal link in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let api: RunningApi;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startListeningApi();
    api = stack.api;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('student: mail link → dev-idp → redirect to Jitsi with a member token for the room', async () => {
    await registerJitsiServer(api);
    const teacher = await new Factories(api.app.get(DataSource)).organizer({ email: 'teacher@school.test', displayName: 'Tom Teacher' });
    const start = new Date(Date.now() + 5 * 60_000);
    const { meeting, invitations } = await api.app.get(MeetingsService).create(
      { user: teacher as User, roles: ['participant', 'organizer'] },
      { title: 'Maths 7b', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), timezone: 'Europe/Berlin', invitees: [{ email: 'student@school.test', role: 'participant' }] },
    );
    const link = api.app.get(LinkCodes).linkFor(invitations[0]);

    const page = await browser.newPage({ locale: 'en-US' });
    let jitsiUrl: string | undefined;
    await page.route('https://meet.school.test/**', async (route) => {
      jitsiUrl = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Jitsi</title><h1>Jitsi room</h1>' });
    });
    await page.goto(link);
    await page.waitForURL((url) => url.origin === new URL(stack.issuer).origin);
    await page.getByLabel(/email/i).fill('student@school.test');
    await page.getByLabel(/password/i).fill('student');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByRole('heading', { name: 'Jitsi room' }).waitFor();

    const url = new URL(jitsiUrl!);
    expect(url.pathname).toBe(`/${meeting.roomName}`);
    const payload = JSON.parse(Buffer.from(url.searchParams.get('jwt')!.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: meeting.roomName });
    expect(payload.context.user).toMatchObject({ email: 'student@school.test', affiliation: 'member', moderator: false });
    expect(payload.exp * 1000).toBeLessThanOrEqual(meeting.endsAt.getTime());
    await page.close();
  });
});
