import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, type SmtpSink } from '@moderato/testing';
import { mailSettings, startMailWorker } from './mail-stack';
import { registerJitsiServer, signInAtDevIdp, startListeningApi } from './signed-in';

const screenshots = join(__dirname, '../../../test-results/screenshots');

describe('the dashboard, the week view and the meeting page in Chromium (phone and desktop)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let worker: INestApplicationContext;
  let sink: SmtpSink;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    const mail = await mailSettings(4);
    sink = mail.sink;
    stack = await startListeningApi(mail.settings);
    baseUrl = stack.baseUrl;
    worker = await startMailWorker(stack.api.db.url, stack.env);
    await registerJitsiServer(stack.api);
    browser = await launchChromium();
    mkdirSync(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await stack?.close();
    await sink?.stop();
  });

  async function signedIn(viewport: { width: number; height: number }, locale: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, locale });
    const page = await context.newPage();
    // A page behind sign-in sends the browser to the identity provider and back.
    await page.goto(`${baseUrl}/invitations`);
    await signInAtDevIdp(page, 'teacher@school.test');
    await page.waitForURL(`${baseUrl}/invitations`);
    await page.goto(`${baseUrl}/`);
    return { context, page };
  }

  /** A meeting made through the API with the page's CSRF token (the browser's session). */
  async function schedule(page: Page, body: Record<string, unknown>): Promise<string> {
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const res = await page.request.post(`${baseUrl}/api/v1/meetings`, { data: { timezone: 'Europe/Berlin', ...body }, headers: { 'x-csrf-token': token! } });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  /** What of the page sticks out to the right (none may): the page as a whole, then each element. */
  const overflow = (page: Page): Promise<string[]> =>
    // A string: it runs in the page (the tests are compiled without the DOM's types).
    page.evaluate(`[
      ...(document.documentElement.scrollWidth > window.innerWidth ? ['page (' + document.documentElement.scrollWidth + ' px)'] : []),
      ...[...document.querySelectorAll('main, main *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
          || (el.tagName !== 'MAIN' && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'))
        .map((el) => el.tagName.toLowerCase() + '.' + el.className + ' (' + Math.round(el.getBoundingClientRect().right) + ' px)'),
    ]`);

  it('the meeting page turns "queued" into "sent" by itself, without a reload', async () => {
    const { context, page } = await signedIn({ width: 1280, height: 800 }, 'en-US');
    const release = sink.hold();
    const start = new Date(Date.now() + 2 * 86_400_000);
    const id = await schedule(page, {
      title: 'Mail status',
      startsAt: start.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      invitees: [{ email: 'student@school.test', name: 'Sam Student' }],
    });
    await page.goto(`${baseUrl}/meetings/${id}`);
    expect(await page.locator('td[data-status]').textContent()).toBe('queued');
    await page.evaluate('window.notReloaded = true');
    release();
    await page.locator('td[data-status="sent"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('td[data-status]').textContent()).toBe('sent');
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await context.close();
  });

  for (const [name, viewport] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const) {
    for (const locale of ['en-US', 'de-DE']) {
      it(`fits the ${name} (${locale}): dashboard with Start, week view with a series, calendar subscription`, async () => {
        const { context, page } = await signedIn(viewport, locale);
        const soon = new Date(Date.now() + 5 * 60_000);
        await schedule(page, {
          title: `Now ${name} ${locale} with a rather long title that must wrap on a phone`,
          startsAt: soon.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          endsAt: new Date(soon.getTime() + 45 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        });
        await schedule(page, {
          title: `Series ${name} ${locale}`,
          startsAt: new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          endsAt: new Date(Date.now() + 86_400_000 + 45 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          recurrence: 'FREQ=DAILY;COUNT=10',
        });
        await page.goto(`${baseUrl}/`);
        await page.locator('[data-agenda-item] a[data-join]').first().waitFor();
        expect(await page.locator('[data-opens-in]').count()).toBeGreaterThan(0);
        expect(await overflow(page)).toEqual([]);
        await page.screenshot({ path: join(screenshots, `dashboard-${name}-${locale}.png`), fullPage: true });

        await page.locator('a[href="/week"]').first().click();
        await page.locator('[data-week-day]').first().waitFor();
        expect(await page.locator('[data-week-day]').count()).toBe(7);
        expect(await overflow(page)).toEqual([]);
        // Phone: the days one below the other; desktop: seven columns side by side.
        const boxes = await page.locator('[data-week-day]').evaluateAll((days) => days.map((day) => day.getBoundingClientRect().top));
        if (name === 'phone') expect(boxes[1]).toBeGreaterThan(boxes[0]);
        else expect(boxes[1]).toBe(boxes[0]);
        await page.screenshot({ path: join(screenshots, `week-${name}-${locale}.png`), fullPage: true });
        await page.locator('a[data-week-next]').click();
        await page.waitForURL(/\/week\?start=\d{4}-\d{2}-\d{2}$/);

        await page.goto(`${baseUrl}/settings/calendar`);
        await page.locator('form[action="/settings/calendar-feed/rotate"] button').click();
        await page.locator('[data-feed-url]').waitFor();
        expect(await page.locator('a[data-webcal]').getAttribute('href')).toMatch(/^webcal:\/\/127\.0\.0\.1:\d+\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
        expect(await overflow(page)).toEqual([]);
        await page.screenshot({ path: join(screenshots, `calendar-feed-${name}-${locale}.png`), fullPage: true });
        await context.close();
      });
    }
  }
});
