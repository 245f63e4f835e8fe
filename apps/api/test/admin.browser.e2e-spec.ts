import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { launchChromium } from '@moderato/testing';
import { registerJitsiServer, startListeningApi, signInAtDevIdp } from './signed-in';

describe('an admin blocks a teacher in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startListeningApi();
    baseUrl = stack.baseUrl;
    await registerJitsiServer(stack.api);
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

  it('the "New meeting" button disappears at the next page load and a direct POST is refused', async () => {
    const teacherContext = await browser.newContext({ locale: 'en-US' });
    const teacher = await signIn(teacherContext, 'teacher@school.test', '/meetings');
    await teacher.getByRole('link', { name: 'New meeting' }).waitFor();

    const adminContext = await browser.newContext({ locale: 'en-US' });
    const admin = await signIn(adminContext, 'admin@school.test', '/admin/users');
    await admin.getByLabel('Name or email').fill('teacher@');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin
      .getByRole('link', { name: /Teacher/ })
      .first()
      .waitFor();
    await admin.locator('tr[data-user="teacher@school.test"] a').click();
    await admin.getByRole('heading', { name: 'Role overrides' }).waitFor();
    await admin.getByLabel('Organizer').selectOption('block');
    await admin.getByRole('button', { name: 'Save roles' }).click();
    await admin.getByText("Roles saved. They apply from this person's next click.").waitFor();
    expect(await admin.getByTestId('effective-roles').textContent()).toBe('Participant');
    const dir = join(__dirname, '../../../test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await admin.screenshot({ path: join(dir, 'admin-user-blocked.png'), fullPage: true });

    await teacher.reload();
    await teacher
      .getByRole('heading', { name: /meetings/i })
      .first()
      .waitFor();
    expect(await teacher.getByRole('link', { name: 'New meeting' }).count()).toBe(0);
    expect(await teacher.getByRole('link', { name: 'Meetings', exact: true }).count()).toBe(0);

    // A direct POST with the teacher's own browser cookies and a valid CSRF token is refused.
    const csrf = (await teacher.locator('meta[name="csrf-token"]').getAttribute('content'))!;
    const now = Date.now();
    const api = await teacher.request.post(`${baseUrl}/api/v1/meetings`, {
      headers: { 'x-csrf-token': csrf },
      data: { title: 'Blocked', startsAt: new Date(now + 86_400_000).toISOString(), endsAt: new Date(now + 90_000_000).toISOString(), timezone: 'UTC' },
    });
    expect(api.status()).toBe(403);
    expect((await api.json()).code).toBe('ROLE_REQUIRED');
    const form = await teacher.request.post(`${baseUrl}/meetings`, { form: { _csrf: csrf, title: 'Blocked too' } });
    expect(form.status()).toBe(403);
    expect(await stack.api.app.get(DataSource).query("SELECT count(*)::int AS n FROM meetings WHERE title LIKE 'Blocked%'")).toEqual([{ n: 0 }]);
    await teacherContext.close();
    await adminContext.close();
  });
});
