import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditService } from '@moderato/audit';
import { User } from '@moderato/identity';
import { startSignedInApi, type SignedInApi } from './signed-in';

/**
 * The small things of issue 20 §7 that need no browser: the audit log reads as people read it
 * (addresses, details, linked subjects, a reversed date range explained), teachers find their rooms
 * in the navigation, and the tokens page leads to the API documentation.
 */
describe('pages: audit log details, Rooms in the navigation, the API documentation link', () => {
  let env: SignedInApi;
  let admin: TestAgent;
  let teacher: TestAgent;
  let student: TestAgent;

  beforeAll(async () => {
    env = await startSignedInApi();
    admin = await env.signIn('admin@school.test');
    teacher = await env.signIn('teacher@school.test');
    student = await env.signIn('student@school.test');
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('the audit log', () => {
    it('shows an IPv4 client without ::ffff:, details as key: value, and links the subject to its page', async () => {
      const user = await env.api.app.get(DataSource).getRepository(User).findOneByOrFail({ email: 'student@school.test' });
      await env.api.app.get(AuditService).record({
        action: 'test.layout',
        actor: { id: null, label: 'someone@school.test' },
        subject: { type: 'user', id: user.id },
        metadata: { reason: 'checked by hand', roles: ['participant', 'organizer'], replaced: false },
        ip: '::ffff:203.0.113.9',
      });
      const page = (await admin.get('/admin/audit?action=test.layout').set('Accept-Language', 'en').expect(200)).text;
      expect(page).toContain('<span class="muted" data-ip>203.0.113.9</span>');
      expect(page).not.toContain('::ffff:');
      expect(page).toContain(`<a href="/admin/users/${user.id}" data-subject-link>${user.id}</a>`);
      expect(page).toContain('<dt>reason</dt><dd>checked by hand</dd>');
      expect(page).toContain('<dt>roles</dt><dd>participant, organizer</dd>');
      expect(page).toContain('<dt>replaced</dt><dd>false</dd>');
      expect(page).not.toContain('{&quot;reason&quot;');
    });

    it('links a subject only while it exists: a deleted person is plain text', async () => {
      const gone = randomUUID();
      await env.api.app.get(AuditService).record({ action: 'test.gone', subject: { type: 'user', id: gone }, metadata: {} });
      const page = (await admin.get('/admin/audit?action=test.gone').set('Accept-Language', 'de').expect(200)).text;
      expect(page).toContain(`<span class="muted">${gone}</span>`);
      expect(page).not.toContain(`href="/admin/users/${gone}"`);
      expect(page).toContain('<span class="muted">keine</span>'); // no details
    });

    it('a from-date after the to-date is a field message in the page language, not an empty result', async () => {
      const en = await admin.get('/admin/audit?from=2026-12-10&to=2026-12-01').set('Accept-Language', 'en').expect(400);
      expect(en.text).toContain('The end date is before the start date: choose an end date on or after December 10, 2026');
      expect(en.text).toContain('value="2026-12-10"');
      expect(en.text).not.toContain('No events match.');
      const de = await admin.get('/admin/audit?from=2026-12-10&to=2026-12-01').set('Accept-Language', 'de').expect(400);
      expect(de.text).toContain('Das Enddatum liegt vor dem Anfangsdatum: Wählen Sie ein Enddatum ab dem 10. Dezember 2026');
      // The same day as both ends is one whole day, not an error.
      await admin.get('/admin/audit?from=2026-12-10&to=2026-12-10').expect(200);
      // The API and the CSV say the same instead of answering with nothing.
      const api = await admin.get('/api/v1/admin/audit?from=2026-12-10&to=2026-12-01').expect(400);
      expect(api.body.details).toEqual([{ field: 'to', messages: ['to must be on or after from'] }]);
      await admin.get('/api/v1/admin/audit.csv?from=2026-12-10&to=2026-12-01').expect(400);
      await admin.get('/api/v1/admin/audit?from=2026-12-10&to=2026-12-10').expect(200);
    });
  });

  describe('the navigation', () => {
    it('teachers get a Rooms item leading to their permanent rooms; pupils do not', async () => {
      const teacherPage = (await teacher.get('/').set('Accept-Language', 'en').expect(200)).text;
      expect(teacherPage).toContain('<a href="/rooms" data-nav-rooms>Rooms</a>');
      const german = (await teacher.get('/invitations').set('Accept-Language', 'de').expect(200)).text;
      expect(german).toContain('<a href="/rooms" data-nav-rooms>Räume</a>');
      const rooms = (await teacher.get('/rooms').set('Accept-Language', 'en').expect(200)).text;
      expect(rooms).toContain('<a href="/rooms" data-nav-rooms aria-current="page">Rooms</a>');
      expect(rooms).toContain('<h1 id="my-rooms-title">My rooms</h1>');
      const studentPage = (await student.get('/').expect(200)).text;
      expect(studentPage).not.toContain('data-nav-rooms');
    });

    it('sits behind a Menu button that works without JavaScript, admin links in one Administration menu', async () => {
      const page = (await admin.get('/admin/users').set('Accept-Language', 'en').expect(200)).text;
      expect(page).toMatch(/<details class="nav-menu" data-nav-menu>\s*<summary class="nav-toggle" aria-controls="nav-panel">.*Menu<\/summary>/);
      expect(page).toContain('<summary class="current">Administration</summary>');
      expect(page).toContain('<a href="/admin/users" aria-current="page">Users</a>');
    });
  });

  it('the tokens page links the API documentation, which is served there', async () => {
    const page = (await teacher.get('/account/tokens').set('Accept-Language', 'en').expect(200)).text;
    expect(page).toContain('<a href="/api/docs" data-api-docs>How to use a token: the API documentation</a>');
    const docs = await teacher.get('/api/docs/').redirects(1);
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });
});
