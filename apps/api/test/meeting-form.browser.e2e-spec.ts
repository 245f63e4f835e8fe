import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '@moderato/testing';
import { registerJitsiServer, startListeningApi, signInAtDevIdp } from './signed-in';

/** The next `weekday` (0 = Sunday) at least `daysAhead` days from now, as YYYY-MM-DD. */
function nextDay(weekday: number, daysAhead: number): Date {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  while (day.getUTCDay() !== weekday) day.setUTCDate(day.getUTCDate() + 1);
  return day;
}
const iso = (day: Date) => day.toISOString().slice(0, 10);
const plusDays = (day: Date, days: number) => new Date(day.getTime() + days * 86_400_000);
/** How the preview names a day: "Monday 7 December" (the year only when it is not this one). */
function named(day: Date, locale: string): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' };
  if (day.getUTCFullYear() !== new Date().getUTCFullYear()) options.year = 'numeric';
  return new Intl.DateTimeFormat(locale, options).format(day);
}

/** Waits until the preview shows `text` (it is asked for a moment after typing stops). */
async function shows(preview: Locator, text: string) {
  await preview.page().locator('[data-first-date]:not([hidden])', { hasText: text }).waitFor({ timeout: 10_000 });
  expect(await preview.textContent()).toBe(text);
}

describe('the new-meeting form says the first date before saving (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startListeningApi();
    await registerJitsiServer(stack.api);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function signedInForm(locale: string): Promise<Page> {
    const page = await browser.newPage({ locale });
    await page.goto(`${stack.baseUrl}/meetings/new`);
    await signInAtDevIdp(page, 'teacher@school.test');
    await page.waitForURL(`${stack.baseUrl}/meetings/new`);
    return page;
  }

  it('a weekly Monday/Thursday series typed on a Saturday: "First date: Monday …", updated as the date changes', async () => {
    const page = await signedInForm('en-US');
    const preview = page.locator('[data-first-date]');
    expect(await preview.isHidden()).toBe(true);
    const saturday = nextDay(6, 14);
    await page.getByLabel('Starts at').fill('08:00');
    await page.getByLabel('Ends at').fill('08:45');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByLabel('Repeat').selectOption('weekly');
    await page.getByRole('checkbox', { name: 'Monday' }).check();
    await page.getByRole('checkbox', { name: 'Thursday' }).check();
    await page.getByLabel('Number of meetings in the series').fill('12');
    await page.getByLabel('Date').fill(iso(saturday));
    const movedFrom = (day: Date) => `The rule does not match ${named(day, 'en-GB')}: the series starts on the first date that does.`;
    await shows(preview, `First date: ${named(plusDays(saturday, 2), 'en-GB')} · Every Monday and Thursday, 12 times · ${movedFrom(saturday)}`);
    // A Tuesday a week later: the Thursday after it.
    const tuesday = plusDays(saturday, 10);
    await page.getByLabel('Date').fill(iso(tuesday));
    await shows(preview, `First date: ${named(plusDays(tuesday, 2), 'en-GB')} · Every Monday and Thursday, 12 times · ${movedFrom(tuesday)}`);
    // A Monday: no word about moving.
    await page.getByLabel('Date').fill(iso(plusDays(tuesday, 6)));
    await shows(preview, `First date: ${named(plusDays(tuesday, 6), 'en-GB')} · Every Monday and Thursday, 12 times`);
    const dir = join(__dirname, '../../../test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'meeting-form-first-date.png'), fullPage: true });
    // A date in the past: the form says so before it is sent.
    await page.getByLabel('Date').fill('2020-01-06');
    await shows(preview, 'this start is in the past: a new meeting must start in the future');
    expect(await preview.getAttribute('class')).toContain('first-date-error');
    await page.screenshot({ path: join(dir, 'meeting-form-past.png'), fullPage: true });
    await page.close();
  });

  it('in German: "Erster Termin: Montag, …"', async () => {
    const page = await signedInForm('de-DE');
    const saturday = nextDay(6, 14);
    await page.locator('#f-startTime').fill('08:00');
    await page.locator('#f-timezone').fill('Europe/Berlin');
    await page.locator('#f-repeat').selectOption('weekly');
    await page.locator('input[name="weekdays"][value="MO"]').check();
    await page.locator('#f-date').fill(iso(saturday));
    await shows(
      page.locator('[data-first-date]'),
      `Erster Termin: ${named(plusDays(saturday, 2), 'de-DE')} · Jeden Montag, 10-mal · Die Regel trifft nicht auf ${named(saturday, 'de-DE')} zu: Die Serie beginnt am ersten Datum, auf das sie zutrifft.`,
    );
    await page.close();
  });
});
