import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { User } from '@moderato/identity';
import { LinkCodes, SchedulingService } from '@moderato/meetings';
import { RoomsService } from '@moderato/rooms';
import { launchChromium } from '@moderato/testing';
import { registerJitsiServer, startListeningApi, signInAtDevIdp } from './signed-in';

/**
 * Every everyday page at a phone's width (390×844) and a laptop's (1280×800), in English and German:
 * nothing wider than the window, and the navigation reachable (at 390 behind a Menu button that
 * opens). Screenshots land in test-results/screenshots/layout (LAYOUT_SCREENSHOTS overrides).
 */
const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;
const DIR = process.env.LAYOUT_SCREENSHOTS || join(__dirname, '../../../test-results/screenshots/layout');

type Who = 'teacher' | 'student' | 'admin';
interface Figure {
  locale: string;
  page: string;
  size: string;
  scrollWidth: number;
  innerWidth: number;
  headerHeight: number;
  navReachable: boolean;
}

describe('pages that work on a phone (Chromium, 390×844 and 1280×800, en + de)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let browser: Browser;
  let baseUrl: string;
  const contexts = {} as Record<Who, BrowserContext>;
  const tabs = {} as Record<Who, Page>;
  let pages: { name: string; who: Who; path: string; nav: RegExp }[];
  const figures: Figure[] = [];

  async function signIn(who: Who): Promise<void> {
    const context = await browser.newContext({ locale: 'en-US', viewport: SIZES[1] });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.goto(`${baseUrl}/auth/login?returnTo=/`);
    await signInAtDevIdp(page, `${who}@school.test`);
    await page.waitForURL(`${baseUrl}/`);
    contexts[who] = context;
    tabs[who] = page;
  }

  beforeAll(async () => {
    stack = await startListeningApi();
    baseUrl = stack.baseUrl;
    const server = await registerJitsiServer(stack.api);
    await stack.api.app
      .get(RoomsService)
      .create(
        { name: 'Staff room', serverId: server.id, access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }] },
        { id: null, label: 'test' },
      );
    browser = await launchChromium();
    mkdirSync(DIR, { recursive: true });
    for (const who of ['teacher', 'student', 'admin'] as const) await signIn(who);

    const app = stack.api.app;
    // The widest header: an admin who also organizes (every link, the Administration menu, German).
    const adminUser = await app.get(DataSource).getRepository(User).findOneByOrFail({ email: 'admin@school.test' });
    const csrf = (await tabs.admin.locator('meta[name="csrf-token"]').getAttribute('content'))!;
    const granted = await tabs.admin.request.patch(`${baseUrl}/api/v1/admin/users/${adminUser.id}`, {
      headers: { 'x-csrf-token': csrf },
      data: { organizer: 'grant' },
    });
    expect(granted.status()).toBe(200);
    const teacher = await app.get(DataSource).getRepository(User).findOneByOrFail({ email: 'teacher@school.test' });
    const start = new Date(Date.now() + 10 * 86_400_000);
    start.setUTCHours(8, 0, 0, 0);
    const { meeting, invitations } = await app.get(SchedulingService).create(
      { user: teacher, roles: ['participant', 'organizer'] },
      {
        title: 'Mathematics 7b — fractions and decimals',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 45 * 60_000).toISOString(),
        timezone: 'Europe/Berlin',
        invitees: [
          { email: 'student@school.test', role: 'participant' },
          { email: 'student2@school.test', name: 'Sara Student', role: 'participant' },
          { email: 'a.very.long.address.of.a.parent@family-with-a-long-domain.example', role: 'moderator' },
        ],
      },
    );
    const student = invitations.find((i) => i.email === 'student@school.test')!;
    const link = new URL(app.get(LinkCodes).linkFor(student));
    pages = [
      { name: 'dashboard', who: 'teacher', path: '/', nav: /^(Meetings|Besprechungen)$/ },
      { name: 'new-meeting', who: 'teacher', path: '/meetings/new', nav: /^(Meetings|Besprechungen)$/ },
      { name: 'meeting', who: 'teacher', path: `/meetings/${meeting.id}`, nav: /^(Meetings|Besprechungen)$/ },
      { name: 'invitations', who: 'student', path: '/invitations', nav: /^(Invitations|Einladungen)$/ },
      { name: 'waiting', who: 'student', path: link.pathname, nav: /^(Invitations|Einladungen)$/ },
      { name: 'admin-users', who: 'admin', path: '/admin/users', nav: /^(Invitations|Einladungen)$/ },
      { name: 'admin-audit', who: 'admin', path: '/admin/audit', nav: /^(Invitations|Einladungen)$/ },
    ];
  });

  afterAll(async () => {
    writeFileSync(join(DIR, 'figures.json'), JSON.stringify(figures, null, 2));
    await browser?.close();
    await stack?.close();
  });

  /** Opens the Menu at phone width (if there is one) and says whether `nav`'s link is then on screen. */
  async function navReachable(page: Page, nav: RegExp, width: number): Promise<boolean> {
    const main = page.locator('nav.main-nav');
    const link = main.getByRole('link', { name: nav }).first();
    if (width < 600) {
      const toggle = page.locator('.nav-menu > summary');
      if ((await toggle.count()) === 0 || !(await toggle.isVisible())) return false;
      if (await link.isVisible()) return false; // the menu should start closed on a phone
      await toggle.click();
    }
    if (!(await link.isVisible())) return false;
    const box = (await link.boundingBox())!;
    return box.x >= 0 && box.x + box.width <= width;
  }

  async function walk(locale: 'en' | 'de') {
    for (const who of ['teacher', 'student', 'admin'] as const) {
      await contexts[who].addCookies([{ name: 'moderato_lang', value: locale, url: baseUrl }]);
    }
    for (const size of SIZES) {
      for (const p of pages) {
        const page = tabs[p.who];
        await page.setViewportSize(size);
        const res = await page.goto(`${baseUrl}${p.path}`);
        expect(res?.status()).toBe(200);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        // A string, not a function: the test's TypeScript has no DOM types.
        const measured = await page.evaluate<{ scrollWidth: number; innerWidth: number; headerHeight: number }>(
          `({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
              headerHeight: Math.round(document.querySelector('.site-header').getBoundingClientRect().height) })`,
        );
        const sizeName = `${size.width}x${size.height}`;
        await page.screenshot({ path: join(DIR, `${locale}-${p.name}-${sizeName}.png`) });
        if (size.width < 600) await page.screenshot({ path: join(DIR, `${locale}-${p.name}-${sizeName}-full.png`), fullPage: true });
        const navOk = await navReachable(page, p.nav, size.width);
        if (size.width < 600 && navOk) await page.screenshot({ path: join(DIR, `${locale}-${p.name}-${sizeName}-menu.png`) });
        if (p.who === 'admin') {
          // The admin links sit in one Administration menu (at 390 inside the open Menu).
          const nav = page.locator('nav.main-nav');
          await nav.locator('.nav-admin .nav-sub > summary').click();
          await nav.getByRole('link', { name: /^(Audit log|Audit-Protokoll)$/ }).waitFor();
          const boxes = await nav.locator('.nav-admin .nav-sub a').evaluateAll((links) => links.map((link) => link.getBoundingClientRect().right));
          expect(boxes).toHaveLength(8);
          expect(Math.max(...boxes)).toBeLessThanOrEqual(size.width);
          await page.screenshot({ path: join(DIR, `${locale}-${p.name}-${sizeName}-admin-menu.png`) });
        }
        figures.push({ locale, page: p.name, size: sizeName, ...measured, navReachable: navOk });
      }
    }
    const mine = figures.filter((f) => f.locale === locale);
    expect(mine.filter((f) => f.scrollWidth > f.innerWidth)).toEqual([]);
    expect(mine.filter((f) => !f.navReachable)).toEqual([]);
    // One header row at a laptop's width, admin included (brand, links, account side by side).
    expect(mine.filter((f) => f.size === '1280x800' && f.headerHeight > 80)).toEqual([]);
  }

  it('English: no horizontal overflow and the navigation reachable on every page at both sizes', async () => {
    await walk('en');
  }, 120_000);

  it('German: the same with the longer German labels', async () => {
    await walk('de');
  }, 120_000);

  it('Copy buttons: the new API token is copied with a visible Copied state; without JavaScript a room address is plain text and no button shows', async () => {
    await contexts.teacher.addCookies([{ name: 'moderato_lang', value: 'en', url: baseUrl }]);
    await contexts.teacher.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = tabs.teacher;
    await page.setViewportSize(SIZES[0]);
    await page.goto(`${baseUrl}/account/tokens`);
    await page.getByLabel('Name', { exact: true }).fill('Phone');
    await page.locator('input[name="scopes"]').first().check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('#new-token').textContent())!.trim();
    expect(token.length).toBeGreaterThan(20);
    const copy = page.getByRole('button', { name: 'Copy' });
    await copy.click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(token);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(DIR, 'en-token-copied-390x844.png') });

    const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: SIZES[0] });
    await noScript.addCookies(await contexts.teacher.cookies());
    const plain = await noScript.newPage();
    await plain.goto(`${baseUrl}/rooms`);
    await plain.locator('nav.main-nav').getByRole('link', { name: 'Rooms' }).waitFor({ state: 'hidden' });
    await plain.locator('.nav-menu > summary').click();
    await plain.locator('nav.main-nav').getByRole('link', { name: 'Rooms' }).waitFor();
    await plain.getByText(`${baseUrl}/r/staff-room`).waitFor();
    expect(await plain.locator('button[data-copy]').count()).toBe(1);
    expect(await plain.locator('button[data-copy]').isVisible()).toBe(false);
    await noScript.close();
  });
});
