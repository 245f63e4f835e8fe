import type { Browser } from 'playwright-core';
import { LinkCodes, SchedulingService } from '@moderato/meetings';
import { User } from '@moderato/identity';
import type { RunningDevJitsi } from '@moderato/dev-jitsi';
import { Factories, launchChromium } from '@moderato/testing';
import { DataSource } from 'typeorm';
import type { RunningApi } from './api-app';
import { registerJitsiStandIn, startListeningApi, signInAtDevIdp } from './signed-in';

/**
 * The student's path in Chromium: personal link → sign-in at the IdP → into the Jitsi room, here
 * the development Jitsi stand-in, which judges the token as Prosody would.
 */
describe('joining from a personal link in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let api: RunningApi;
  let browser: Browser;
  let jitsi: RunningDevJitsi;

  beforeAll(async () => {
    stack = await startListeningApi();
    api = stack.api;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await jitsi?.close();
    await stack?.close();
  });

  it('student: mail link → dev-idp → in the Jitsi room as participant (member token for the room)', async () => {
    ({ jitsi } = await registerJitsiStandIn(api));
    const teacher = await new Factories(api.app.get(DataSource)).organizer({ email: 'teacher@school.test', displayName: 'Tom Teacher' });
    const start = new Date(Date.now() + 5 * 60_000);
    const { meeting, invitations } = await api.app.get(SchedulingService).create(
      { user: teacher as User, roles: ['participant', 'organizer'] },
      {
        title: 'Maths 7b',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3600_000).toISOString(),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test', role: 'participant' }],
      },
    );
    const link = api.app.get(LinkCodes).linkFor(invitations[0]);

    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(link);
    await page.waitForURL((url) => url.origin === new URL(stack.issuer).origin);
    await signInAtDevIdp(page, 'student@school.test');
    await page.waitForURL((url) => url.origin === jitsi.url);
    const room = page.locator('main');
    expect(await room.getAttribute('data-verdict')).toBe('joined');
    expect(await room.getAttribute('data-affiliation')).toBe('member');
    expect(await room.getAttribute('data-room')).toBe(meeting.roomName);
    await page.getByRole('heading', { name: `You are in ${meeting.roomName} as participant` }).waitFor();

    const url = new URL(page.url());
    expect(url.pathname).toBe(`/${meeting.roomName}`);
    const payload = JSON.parse(Buffer.from(url.searchParams.get('jwt')!.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: meeting.roomName });
    expect(payload.context.user).toMatchObject({ email: 'student@school.test', affiliation: 'member', moderator: false });
    expect(payload.exp * 1000).toBeLessThanOrEqual(meeting.endsAt.getTime());
    await page.close();
  });
});
