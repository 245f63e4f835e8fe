import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { launchChromium, type SmtpSink } from '@moderato/testing';
import { mailSettings, startMailWorker } from './mail-stack';
import { registerJitsiServer, startListeningApi, signInAtDevIdp } from './signed-in';

describe('a teacher schedules a weekly meeting in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let worker: INestApplicationContext;
  let sink: SmtpSink;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    const mail = await mailSettings(11);
    sink = mail.sink;
    stack = await startListeningApi(mail.settings);
    baseUrl = stack.baseUrl;
    worker = await startMailWorker(stack.api.db.url, stack.env);
    await registerJitsiServer(stack.api);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await stack?.close();
    await sink?.stop();
  });

  it('fills the form, sees the meeting page, and the two invitees turn "sent"', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${baseUrl}/meetings/new`);
    await signInAtDevIdp(page, 'teacher@school.test');
    await page.waitForURL(`${baseUrl}/meetings/new`);

    await page.getByLabel('Title').fill('Chemistry 8c');
    // A Monday at least two weeks ahead (new meetings may not start in the past).
    const monday = new Date(Date.now() + 14 * 86_400_000);
    while (monday.getUTCDay() !== 1) monday.setUTCDate(monday.getUTCDate() + 1);
    await page.getByLabel('Date').fill(monday.toISOString().slice(0, 10));
    await page.getByLabel('Starts at').fill('09:50');
    await page.getByLabel('Ends at').fill('10:35');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByLabel('Repeat').selectOption('weekly');
    await page.getByRole('checkbox', { name: 'Monday' }).check();
    await page.getByLabel('Number of meetings in the series').fill('8');
    await page.getByLabel('Participants').fill('Sam Student <student@school.test>\nstudent2@school.test');
    await page.getByRole('button', { name: 'Schedule and send invitations' }).click();

    await page.getByRole('heading', { name: 'Chemistry 8c' }).waitFor();
    await page.getByText('The meeting is scheduled.').waitFor();
    expect(await page.locator('tr[data-invitee]').count()).toBe(2);
    await sink.waitFor(2, 15_000);
    // The mail status is shown as it is when the page loads: reload until both went out.
    for (let i = 0; i < 20 && (await page.locator('td[data-status="sent"]').count()) < 2; i += 1) {
      await page.waitForTimeout(250);
      await page.reload();
    }
    expect(await page.locator('td[data-status="sent"]').allTextContents()).toEqual(['sent', 'sent']);
    expect(await page.getByText('Every Monday, 8 times').count()).toBe(1);
    const dir = join(__dirname, '../../../test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'meeting-scheduled.png'), fullPage: true });
    await page.close();
  });
});
