import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { JitsiEventsSecrets } from '@moderato/jitsi';
import { launchChromium } from '@moderato/testing';
import type { RunningApi } from './api-app';
import { jidOf, joined, left, PROSODY_USER_AGENT } from './presence-events';
import { registerJitsiServer, startListeningApi, signInAtDevIdp } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** "In the room now" on the meeting page follows Jitsi's events without a reload (Chromium). */
describe('live presence in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let api: RunningApi;
  let browser: Browser;
  let serverId: string;
  let secret: string;

  beforeAll(async () => {
    stack = await startListeningApi();
    api = stack.api;
    serverId = (await registerJitsiServer(api)).id;
    ({ secret } = await api.app.get(JitsiEventsSecrets).rotate(serverId, { id: null, label: 'test' }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const send = async (path: string, body: string) => {
    const res = await fetch(`${stack.baseUrl}/jitsi/${serverId}/events/${path}`, {
      method: 'POST',
      headers: { 'User-Agent': PROSODY_USER_AGENT, 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body,
    });
    expect(res.status).toBe(204);
  };

  async function openSignedIn(path: string, email: string): Promise<Page> {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${stack.baseUrl}${path}`);
    await page.waitForURL((url) => url.origin === new URL(stack.issuer).origin);
    await signInAtDevIdp(page, email);
    await page.waitForURL((url) => url.origin === stack.baseUrl);
    return page;
  }

  it('the count and the names change while the teacher looks at the meeting page', async () => {
    const page = await openSignedIn('/meetings', 'teacher@school.test');
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const start = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
    const created = await page.request.post(`${stack.baseUrl}/api/v1/meetings`, {
      headers: { 'x-csrf-token': csrf! },
      data: {
        title: 'Maths 7b',
        serverId,
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test' }],
      },
    });
    expect(created.status()).toBe(201);
    const meeting = (await created.json()) as { id: string; roomName: string };
    const now = Math.floor(Date.now() / 1000);
    // Someone was in the room and left: the server reports presence, nobody is in now.
    const early = {
      jid: jidOf(randomUUID(), 'early'),
      joined: now - 30,
      left: now - 20,
      user: { id: randomUUID(), name: 'Early Bird', email: 'early@school.test' },
    };
    await send('occupant/left', left(meeting.roomName, early, 0));

    await page.goto(`${stack.baseUrl}/meetings/${meeting.id}`);
    const count = page.locator('[data-live-count]');
    await page.getByText('Nobody is in the room.').waitFor();
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

    const sam = { jid: jidOf(randomUUID(), 'sam'), joined: now, user: { id: randomUUID(), name: 'Sam Student', email: 'student@school.test' } };
    await send('occupant/joined', joined(meeting.roomName, sam, 1));
    await page.getByText('1 person in the room').waitFor({ timeout: 20_000 });
    await page.locator('[data-live-names] li', { hasText: 'Sam Student' }).waitFor();
    expect(await count.getAttribute('data-live-count')).toBe('1');

    await send('occupant/left', left(meeting.roomName, { ...sam, left: now + 5 }, 0));
    await page.getByText('Nobody is in the room.').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-live-names] li').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();
  }, 60_000);
});
