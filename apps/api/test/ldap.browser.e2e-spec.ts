import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { User } from '@moderato/identity';
import { SchedulingService } from '@moderato/meetings';
import { launchChromium, startTestLdap } from '@moderato/testing';
import { registerJitsiServer, startListeningApi } from './signed-in';

/** A teacher in Chromium: LDAP sign-in form (wrong, then right password), then invites class 7b from the meeting page. */
describe('LDAP sign-in and group invitation in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;

  beforeAll(async () => {
    const ldap = await startTestLdap();
    stack = await startListeningApi(ldap.env);
    await registerJitsiServer(stack.api);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs in with username and password, then invites the whole class in one click', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(stack.baseUrl);
    await page.getByRole('link', { name: 'Sign in' }).first().click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('link', { name: /single sign-on/ }).count()).toBe(1); // OpenID Connect is on too
    await page.getByLabel('Username').fill('teacher');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong username or password.').waitFor();
    expect(await page.getByLabel('Username').inputValue()).toBe('teacher');
    await page.getByLabel('Password').fill('teacher-pw');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.baseUrl}/`);
    await page.getByRole('heading', { name: 'Welcome, Tina Lehrer' }).waitFor();
    expect(await page.locator('.badge[data-role]').allTextContents()).toEqual(['Participant', 'Organizer']);

    const dataSource = stack.api.app.get(DataSource);
    const teacher = await dataSource.getRepository(User).findOneByOrFail({ email: 'tina.lehrer@school.test' });
    const start = new Date(Date.now() + 2 * 24 * 3600_000);
    const { meeting } = await stack.api.app
      .get(SchedulingService)
      .create(
        { user: teacher, roles: ['participant', 'organizer'] },
        { title: 'Maths 7b', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 45 * 60_000).toISOString(), timezone: 'Europe/Berlin' },
      );

    await page.goto(`${stack.baseUrl}/meetings/${meeting.id}`);
    await page.getByLabel('Search people and groups').fill('7b');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Invite all 30' }).click();
    await page.getByText('30 people of 7b are invited.').waitFor();
    await page.getByText('7b (30 people)').waitFor();
    expect(await page.locator('tr[data-invitee]').count()).toBe(30);
    const dir = join(__dirname, '../../../test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'meeting-group-invited.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });
});
