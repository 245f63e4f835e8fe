import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@moderato/testing';
import { startListeningApi } from './signed-in';

/** A person in Chromium: opens Moderato, signs in at the dev IdP, sees the dashboard, signs out. */
describe('signing in and out in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;
  let baseUrl: string;
  let idp: { issuer: string };

  beforeAll(async () => {
    stack = await startListeningApi();
    baseUrl = stack.baseUrl;
    idp = { issuer: stack.issuer };
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('teacher: Sign in → dev-idp form → dashboard with name and role → Sign out', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Sign in' }).first().click();

    // The development identity provider's form.
    await page.waitForURL((url) => url.origin === new URL(idp.issuer).origin);
    await page.getByLabel(/email/i).fill('teacher@school.test');
    await page.getByLabel(/password/i).fill('wrong');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByText('Wrong email or password.').waitFor();
    await page.getByLabel(/password/i).fill('teacher');
    await page.getByRole('button', { name: /sign in/i }).click();

    // Back at Moderato, signed in.
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole('heading', { name: 'Welcome, Tom Teacher' }).waitFor();
    expect(await page.locator('.badge[data-role]').allTextContents()).toEqual(['Participant', 'Organizer']);
    expect(await page.locator('.who').textContent()).toContain('Signed in as Tom Teacher');
    const dir = join(__dirname, '../../../test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'dashboard-teacher.png'), fullPage: true });

    // My sessions (in the Account menu) shows this browser.
    await page.locator('.nav-account summary').click();
    await page.getByRole('link', { name: 'My sessions' }).click();
    await page.getByRole('heading', { name: 'My sessions' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').first().textContent()).toContain('This device');

    // Sign out: Moderato, then the IdP's confirmation, then back at Moderato, signed out.
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    if (new URL(page.url()).origin === new URL(idp.issuer).origin) {
      await page.getByRole('button', { name: /sign out/i }).click();
      await page.waitForURL((url) => url.origin === baseUrl);
      if (!page.url().startsWith(baseUrl + '/')) await page.goto(baseUrl);
    }
    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    expect(await page.locator('.who').count()).toBe(0);
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});
