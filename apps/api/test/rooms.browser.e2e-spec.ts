import type { Browser, Page } from 'playwright-core';
import type { RunningDevJitsi } from '@moderato/dev-jitsi';
import { launchChromium } from '@moderato/testing';
import type { RunningApi } from './api-app';
import { registerJitsiStandIn, startListeningApi, signInAtDevIdp } from './signed-in';

/** The admin sets up a staff room in Chromium; a teacher walks in, a student is turned away. */
describe('permanent rooms in a real browser (Chromium)', () => {
  let stack: Awaited<ReturnType<typeof startListeningApi>>;
  let api: RunningApi;
  let browser: Browser;
  let jitsi: RunningDevJitsi;

  beforeAll(async () => {
    stack = await startListeningApi();
    api = stack.api;
    ({ jitsi } = await registerJitsiStandIn(api));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await jitsi?.close();
    await stack?.close();
  });

  /** Opens a path; the sign-in at the dev IdP happens on the way (login forced). */
  async function openSignedIn(path: string, email: string): Promise<Page> {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${stack.baseUrl}${path}`);
    await page.waitForURL((url) => url.origin === new URL(stack.issuer).origin);
    await signInAtDevIdp(page, email);
    return page;
  }

  it('admin creates a room with the form (a bad line is shown and kept), a teacher gets in as moderator, a student is refused', async () => {
    const admin = await openSignedIn('/admin/rooms/new', 'admin@school.test');
    await admin.getByRole('heading', { name: 'New permanent room' }).waitFor();
    await admin.getByLabel('Room name').fill('Staff room');
    await admin.getByLabel('Access list').fill('group:teachers moderator\nstudents');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Line 2 (students): start the line with group: or user:').waitFor();
    expect(await admin.getByLabel('Access list').inputValue()).toBe('group:teachers moderator\nstudents');
    expect(await admin.getByLabel('Room name').inputValue()).toBe('Staff room');
    await admin.getByLabel('Access list').fill('group:teachers moderator');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('The room is created.').waitFor();
    expect(new URL(admin.url()).pathname).toBe('/admin/rooms');
    await admin.getByRole('link', { name: 'Staff room' }).waitFor();
    await admin.close();

    // The development Jitsi stand-in judges the token as Prosody with token_affiliation would.
    const teacher = await openSignedIn('/r/staff-room', 'teacher@school.test');
    await teacher.waitForURL((url) => url.origin === jitsi.url);
    expect(await teacher.locator('main').getAttribute('data-verdict')).toBe('joined');
    expect(await teacher.locator('main').getAttribute('data-affiliation')).toBe('moderator');
    await teacher.getByRole('heading', { name: /^You are in staff-room-[a-z2-9]{12} as moderator$/ }).waitFor();
    const url = new URL(teacher.url());
    expect(url.pathname).toMatch(/^\/staff-room-[a-z2-9]{12}$/);
    const payload = JSON.parse(Buffer.from(url.searchParams.get('jwt')!.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ iss: 'moderato', aud: 'jitsi', sub: 'meet.jitsi', room: url.pathname.slice(1) });
    expect(payload.context.user).toMatchObject({ email: 'teacher@school.test', moderator: true, affiliation: 'moderator' });
    await teacher.close();

    const student = await openSignedIn('/r/staff-room', 'student@school.test');
    await student.getByRole('heading', { name: "You are not on this room's list" }).waitFor();
    await student.getByRole('button', { name: 'Switch account' }).waitFor();
    expect(new URL(student.url()).pathname).toBe('/r/staff-room');
    await student.close();
  });
});
