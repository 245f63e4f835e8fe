import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { JitsiServerCheck } from '@moderato/jitsi';
import type { RunningDevJitsi } from '@moderato/dev-jitsi';
import { launchChromium } from '@moderato/testing';
import { registerJitsiStandIn, startListeningApi, signInAtDevIdp } from './signed-in';

/** The admin's path in Chromium: server page → "Test this server" → four links → result → server list. */
describe('"Test this server" in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;
  let jitsi: RunningDevJitsi;

  beforeAll(async () => {
    stack = await startListeningApi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await jitsi?.close();
    await stack?.close();
  });

  it('an admin starts the test, sees four links with QR codes and expectations, records the result, and the list shows "Verified"', async () => {
    // The server is the development Jitsi stand-in: it judges each link's token as Prosody would.
    const standIn = await registerJitsiStandIn(stack.api);
    const server = standIn.server;
    jitsi = standIn.jitsi;
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const page = await context.newPage();
    const { baseUrl } = stack;

    await page.goto(`${baseUrl}/admin/servers`);
    await signInAtDevIdp(page, 'admin@school.test');
    await page.waitForURL(`${baseUrl}/admin/servers`);
    const row = page.locator(`tr[data-server="${server.id}"]`);
    expect((await row.locator('[data-check-status]').textContent())?.trim()).toBe('Never verified');
    await page.locator('[data-interop-notice]').getByRole('link', { name: 'Jitsi' }).waitFor();

    // The server's page: notice, then "Test this server".
    await row.getByRole('link', { name: 'Jitsi' }).click();
    await page.getByRole('heading', { name: 'Check your setup' }).waitFor();
    const dir = join(__dirname, '../../../test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'interop-server-page.png'), fullPage: true });
    await page.getByRole('button', { name: 'Test this server' }).click();
    await page.getByRole('heading', { name: 'Test of Jitsi' }).waitFor();

    const check = await stack.api.app.get(DataSource).getRepository(JitsiServerCheck).findOneByOrFail({ serverId: server.id });
    const cards = page.locator('li[data-link]');
    expect(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-link')))).toEqual([
      'organizer',
      'participant',
      'noToken',
      'wrongRoom',
    ]);
    for (const kind of ['organizer', 'participant', 'noToken', 'wrongRoom']) {
      const card = page.locator(`li[data-link="${kind}"]`);
      const href = await card.getByRole('link', { name: 'Open in Jitsi' }).getAttribute('href');
      expect(href?.startsWith(`${jitsi.url}/${check.room}`)).toBe(true);
      expect(href?.includes('jwt=')).toBe(kind !== 'noToken');
      await card.getByRole('img', { name: /^QR code of this link/ }).waitFor();
      expect(await card.locator('.expectation').textContent()).toMatch(/^Must happen: \S/);
    }
    expect(await page.locator('li[data-link="participant"] .expectation').textContent()).toContain('as a plain participant, WITHOUT moderator rights');

    await page.screenshot({ path: join(dir, 'interop-check-links.png'), fullPage: true });

    // Each link opens the room at the stand-in, which behaves as a correctly set-up Jitsi must:
    // organizer in with moderator rights, participant in without, no token and wrong room refused.
    const outcomes: Record<string, { verdict: string | null; affiliation: string | null; room: string | null }> = {};
    for (const kind of ['organizer', 'participant', 'noToken', 'wrongRoom']) {
      const [tab] = await Promise.all([
        context.waitForEvent('page'),
        page.locator(`li[data-link="${kind}"]`).getByRole('link', { name: 'Open in Jitsi' }).click(),
      ]);
      await tab.locator('main[data-verdict]').waitFor();
      const main = tab.locator('main');
      outcomes[kind] = {
        verdict: await main.getAttribute('data-verdict'),
        affiliation: await main.getAttribute('data-affiliation'),
        room: await main.getAttribute('data-room'),
      };
      await tab.close();
    }
    expect(outcomes).toEqual({
      organizer: { verdict: 'joined', affiliation: 'owner', room: check.room },
      participant: { verdict: 'joined', affiliation: 'member', room: check.room },
      noToken: { verdict: 'refused', affiliation: null, room: check.room },
      wrongRoom: { verdict: 'refused', affiliation: null, room: check.room }, // a token for another room
    });

    // What must go wrong explains itself: the fixes for a participant who became moderator.
    const participantCard = page.locator('li[data-link="participant"]');
    await participantCard.getByText('If instead: Entered WITH moderator rights').click();
    await participantCard.getByText('ENABLE_AUTO_OWNER=0').waitFor();

    // Forgetting one answer: the form comes back with the choices kept.
    await page.locator('li[data-link="organizer"]').getByRole('radio', { name: 'Entered as moderator' }).check();
    await page.getByRole('button', { name: 'Record the result' }).click();
    await participantCard.locator('.field-error').getByText('participant: choose what happened').waitFor();
    expect(await page.locator('li[data-link="organizer"]').getByRole('radio', { name: 'Entered as moderator' }).isChecked()).toBe(true);

    await participantCard.getByRole('radio', { name: 'Entered without moderator rights' }).check();
    await page.locator('li[data-link="noToken"]').getByRole('radio', { name: 'Refused' }).check();
    await page.locator('li[data-link="wrongRoom"]').getByRole('radio', { name: 'Refused' }).check();
    await page.getByLabel('Note (optional)').fill('Checked with a phone');
    await page.getByRole('button', { name: 'Record the result' }).click();
    await page.getByText('Recorded: the server behaves as it must.').waitFor();

    await page.screenshot({ path: join(dir, 'interop-check-recorded.png'), fullPage: true });

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByText('Administration', { exact: true }).click();
    await nav.getByRole('link', { name: 'Jitsi servers' }).click();
    await page.waitForURL(`${baseUrl}/admin/servers`);
    expect((await row.locator('[data-check-status]').textContent())?.trim()).toMatch(
      /^Verified on \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M \(UTC\) by admin@school\.test$/,
    );
    expect(await page.locator('[data-interop-notice]').count()).toBe(0);
    await page.screenshot({ path: join(dir, 'interop-server-list.png'), fullPage: true });

    const recorded = await stack.api.app.get(DataSource).getRepository(AuditEvent).findOneByOrFail({ action: 'server.interop_recorded', subjectId: server.id });
    expect(recorded.metadata).toMatchObject({ checkId: check.id, status: 'verified', note: 'Checked with a phone' });
    await context.close();
  });
});
