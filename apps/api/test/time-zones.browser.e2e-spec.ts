import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { User } from '@moderato/identity';
import { launchChromium } from '@moderato/testing';
import { startListeningApi, signInAtDevIdp } from './signed-in';

/** The browser's zone on the first visit (/static/zone.js), in Chromium; and without JavaScript. */
describe('a person’s time zone from their browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;
  let baseUrl: string;
  const userOf = (email: string) => stack.api.app.get(DataSource).getRepository(User).findOneByOrFail({ email });

  beforeAll(async () => {
    stack = await startListeningApi();
    baseUrl = stack.baseUrl;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function signIn(context: BrowserContext, email: string, path: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${baseUrl}${path}`);
    await signInAtDevIdp(page, email);
    await page.waitForURL(`${baseUrl}${path}`);
    return page;
  }

  it('the first page after signing in tells Moderato the browser’s zone once and shows itself again in it', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Tokyo' });
    const page = await signIn(context, 'student@school.test', '/account/sessions');
    // Shown first in the organisation's default (UTC), then again in Tokyo time.
    await page
      .locator('tbody tr')
      .first()
      .getByText(/\(Tokyo time\)/)
      .first()
      .waitFor();
    expect(await userOf('student@school.test')).toMatchObject({ timezone: 'Asia/Tokyo', timezoneSource: 'browser' });
    expect(await page.locator('script[src="/static/zone.js"]').count()).toBe(0);

    await page.locator('.nav-account summary').click(); // the Account menu (a <details>: no JavaScript needed)
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.locator('#f-timezone').inputValue()).toBe('Asia/Tokyo');
    await page.getByText('Taken from your browser on your first visit.').waitFor();
    const dir = join(__dirname, '../../../test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'settings-en.png'), fullPage: true });

    // Changing it on the Settings page (German, New York): saved, and the lists follow.
    await page.locator('#f-locale').selectOption('de');
    await page.locator('#f-timezone').fill('America/New_York');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Ihre Einstellungen sind gespeichert.').waitFor();
    expect(await page.locator('#f-timezone').inputValue()).toBe('America/New_York');
    await page.goto(`${baseUrl}/account/sessions`);
    await page
      .locator('tbody tr')
      .first()
      .getByText(/\(Ortszeit New York\)/)
      .first()
      .waitFor();
    expect(await userOf('student@school.test')).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'chosen', locale: 'de' });
    await context.close();
  });

  it('without JavaScript every page works and times stay in the organisation’s default, named', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', javaScriptEnabled: false });
    const page = await signIn(context, 'student2@school.test', '/account/sessions');
    expect(await page.locator('tbody tr').first().textContent()).toContain('(UTC)');
    await page.locator('.nav-account summary').click(); // the Account menu (a <details>: no JavaScript needed)
    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.locator('#f-timezone').inputValue()).toBe('UTC');
    expect((await userOf('student2@school.test')).timezone).toBeNull();
    await context.close();
  });
});
