import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AuditEvent } from '@moderato/audit';
import { JitsiServerCheck } from '@moderato/jitsi';
import { launchChromium } from '@moderato/testing';
import { registerJitsiServer, startListeningApi } from './signed-in';

/** The admin's path in Chromium: server page → "Test this server" → four links → result → server list. */
describe('"Test this server" in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startListeningApi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('an admin starts the test, sees four links with QR codes and expectations, records the result, and the list shows "Verified"', async () => {
    const server = await registerJitsiServer(stack.api);
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    // Jitsi itself is not part of this test: a stand-in page records which URL the link opened.
    const opened: string[] = [];
    await context.route('https://meet.school.test/**', async (route) => {
      opened.push(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Jitsi</title><h1>Jitsi room</h1>' });
    });
    const page = await context.newPage();
    const { baseUrl } = stack;

    await page.goto(`${baseUrl}/admin/servers`);
    await page.getByLabel(/email/i).fill('admin@school.test');
    await page.getByLabel(/password/i).fill('admin');
    await page.getByRole('button', { name: /sign in/i }).click();
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
    expect(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-link')))).toEqual(['organizer', 'participant', 'noToken', 'wrongRoom']);
    for (const kind of ['organizer', 'participant', 'noToken', 'wrongRoom']) {
      const card = page.locator(`li[data-link="${kind}"]`);
      const href = await card.getByRole('link', { name: 'Open in Jitsi' }).getAttribute('href');
      expect(href?.startsWith(`https://meet.school.test/${check.room}`)).toBe(true);
      expect(href?.includes('jwt=')).toBe(kind !== 'noToken');
      await card.getByRole('img', { name: /^QR code of this link/ }).waitFor();
      expect(await card.locator('.expectation').textContent()).toMatch(/^Must happen: \S/);
    }
    expect(await page.locator('li[data-link="participant"] .expectation').textContent()).toContain('as a plain participant, WITHOUT moderator rights');

    await page.screenshot({ path: join(dir, 'interop-check-links.png'), fullPage: true });

    // The participant link opens the real room URL with a member token.
    const [jitsi] = await Promise.all([context.waitForEvent('page'), page.locator('li[data-link="participant"]').getByRole('link', { name: 'Open in Jitsi' }).click()]);
    await jitsi.getByRole('heading', { name: 'Jitsi room' }).waitFor();
    const participantUrl = new URL(opened[0]);
    expect(participantUrl.pathname).toBe(`/${check.room}`);
    expect(JSON.parse(Buffer.from(participantUrl.searchParams.get('jwt')!.split('.')[1], 'base64url').toString()).context.user).toMatchObject({ affiliation: 'member', moderator: false });
    await jitsi.close();

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

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Jitsi servers' }).click();
    await page.waitForURL(`${baseUrl}/admin/servers`);
    expect((await row.locator('[data-check-status]').textContent())?.trim()).toMatch(/^Verified on \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M by admin@school\.test$/);
    expect(await page.locator('[data-interop-notice]').count()).toBe(0);
    await page.screenshot({ path: join(dir, 'interop-server-list.png'), fullPage: true });

    const recorded = await stack.api.app.get(DataSource).getRepository(AuditEvent).findOneByOrFail({ action: 'server.interop_recorded', subjectId: server.id });
    expect(recorded.metadata).toMatchObject({ checkId: check.id, status: 'verified', note: 'Checked with a phone' });
    await context.close();
  });
});
