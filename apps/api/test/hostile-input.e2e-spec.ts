import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { startTestLdap } from '@moderato/testing';
import { csrfTokenOf } from './api-app';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

type Problem = { statusCode: number; code: string; details: { field: string; messages: string[] }[] };
const fieldsOf = (body: Problem) => Object.fromEntries(body.details.map((detail) => [detail.field, detail.messages]));
const UNSAFE = (field: string) => `${field} must not contain NUL characters or unpaired UTF-16 surrogates`;
const PAGE = 'page must be a whole number from 1 to 100000';

const inAWeek = (hours: number) => {
  const date = new Date(Date.now() + 7 * 24 * 3600_000);
  date.setUTCHours(hours, 0, 0, 0);
  return date.toISOString().replace('.000Z', '+00:00');
};

describe('hostile input is a 400 naming the field, never a 500, and writes nothing', () => {
  let env: SignedInApi;
  let teacher: TestAgent;
  let admin: TestAgent;
  const csrf = new Map<TestAgent, string>();
  let dataSource: DataSource;
  const post = (agent: TestAgent, path: string, body: object) => agent.post(path).set('x-csrf-token', csrf.get(agent)!).send(body);
  const rows = async (table: string) => Number((await dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const meeting = (overrides: object = {}) => ({ title: 'Maths 7b', startsAt: inAWeek(8), endsAt: inAWeek(9), timezone: 'Europe/Berlin', ...overrides });

  beforeAll(async () => {
    const ldap = await startTestLdap();
    env = await startSignedInApi({ env: ldap.env });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    for (const [email, set] of [
      ['teacher@school.test', (agent: TestAgent) => (teacher = agent)],
      ['admin@school.test', (agent: TestAgent) => (admin = agent)],
    ] as const) {
      const agent = await env.signIn(email);
      set(agent);
      csrf.set(agent, await env.csrf(agent));
    }
  });
  afterAll(async () => {
    await env?.close();
  });

  it('NUL or a lone surrogate in a title, description or invitee name: 400 naming each field, no meeting', async () => {
    const before = await rows('meetings');
    const res = await post(
      teacher,
      '/api/v1/meetings',
      meeting({ title: 'Maths\u0000', description: 'Bring \ud83d a pen', invitees: [{ email: 'sam@school.test', name: 'Sam\u0000' }] }),
    ).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res.body)).toMatchObject({
      title: [UNSAFE('title')],
      description: [UNSAFE('description')],
      'invitees.0.name': [UNSAFE('invitees.0.name')],
    });
    // An email with a lone surrogate made the email validator throw (a 500).
    const email = await post(teacher, '/api/v1/meetings', meeting({ invitees: [{ email: 'sam\udc00@school.test' }] })).expect(400);
    expect(fieldsOf(email.body)['invitees.0.email']).toContain(UNSAFE('invitees.0.email'));
    expect(await rows('meetings')).toBe(before);
    // A pair (an emoji) is fine.
    await post(teacher, '/api/v1/meetings', meeting({ title: 'Maths \ud83d\udcd0' })).expect(201);
  });

  it('NUL in an uploaded CSV (which no pipe sees): the form is shown again with the message, no meeting', async () => {
    const before = await rows('meetings');
    const date = inAWeek(8).slice(0, 10);
    const res = await teacher
      .post(`/meetings?_csrf=${encodeURIComponent(csrf.get(teacher)!)}`)
      .set('Accept-Language', 'en')
      .field('title', 'Maths')
      .field('date', date)
      .field('startTime', '08:00')
      .field('endTime', '09:00')
      .field('timezone', 'Europe/Berlin')
      .attach('csv', Buffer.from('email,name\nsam@school.test,Sam\u0000\n'), { filename: 'class.csv', contentType: 'text/csv' })
      .expect(400);
    expect(res.text).toContain('must not contain NUL characters or unpaired UTF-16 surrogates');
    expect(res.text).toContain('value="Maths"'); // input kept
    expect(await rows('meetings')).toBe(before);
  });

  it('NUL in a search, a filter or a path is a 400 naming it, on the API and on pages (in German too)', async () => {
    for (const [agent, url, field] of [
      [teacher, '/api/v1/meetings?q=a%00b', 'q'],
      [admin, '/api/v1/admin/users?q=%00', 'q'],
      [admin, '/api/v1/admin/audit?actor=%00', 'actor'],
      [admin, '/api/v1/admin/audit.csv?action=x%00', 'action'],
      [teacher, '/api/v1/meetings/%00', 'id'],
      [teacher, '/api/v1/directory/search?q=ab%00', 'q'],
    ] as const) {
      const res = await agent.get(url).expect(400);
      expect({ url, fields: fieldsOf(res.body) }).toEqual({ url, fields: { [field]: [UNSAFE(field)] } });
    }
    for (const url of ['/meetings?q=%00', '/admin/users?q=%00', '/admin/audit?actor=%00']) {
      const agent = url.startsWith('/admin') ? admin : teacher;
      const en = await agent.get(url).set('Accept-Language', 'en').expect(400);
      expect(en.text).toContain('must not contain NUL characters or unpaired UTF-16 surrogates');
      const de = await agent.get(url).set('Accept-Language', 'de').expect(400);
      expect(de.text).toContain('darf keine NUL-Zeichen und keine ungepaarten UTF-16-Surrogate enthalten');
    }
  });

  it('a page number outside 1..100000 is a 400 that says what is allowed, on every list', async () => {
    for (const page of ['99999999999999999999', '-1', 'abc', '0', '100001', '1.5']) {
      for (const [agent, path] of [
        [teacher, '/api/v1/meetings'],
        [admin, '/api/v1/admin/users'],
        [admin, '/api/v1/admin/sessions'],
        [admin, '/api/v1/admin/audit'],
      ] as const) {
        const res = await agent.get(`${path}?page=${page}`).expect(400);
        expect({ path, page, fields: fieldsOf(res.body) }).toEqual({ path, page, fields: { page: [PAGE] } });
      }
    }
    await teacher.get('/api/v1/meetings?page=100000').expect(200);
    for (const [agent, path] of [
      [teacher, '/meetings'],
      [admin, '/admin/users'],
      [admin, '/admin/sessions'],
      [admin, '/admin/audit'],
    ] as const) {
      expect((await agent.get(`${path}?page=-1`).set('Accept-Language', 'en').expect(400)).text).toContain(PAGE);
      expect((await agent.get(`${path}?page=abc`).set('Accept-Language', 'de').expect(400)).text).toContain('page muss eine ganze Zahl von 1 bis 100000 sein');
    }
  });

  it('LDAP sign-in with NUL in the username: a 400 naming it, no audit row, no failure counted', async () => {
    const agent = request.agent(env.api.server);
    const form = await agent.get('/auth/login').set('Accept-Language', 'en').expect(200);
    const audit = await rows('audit_events');
    const res = await agent
      .post('/auth/login')
      .set('Accept-Language', 'en')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfTokenOf(form.text))}&username=teacher%00&password=x`)
      .expect(400);
    expect(res.text).toContain(UNSAFE('username'));
    expect(await rows('audit_events')).toBe(audit);
  });

  it('a deeply nested JSON body is a 400, also unauthenticated on the guest join', async () => {
    const deep = `{"displayName":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const guest = await request(env.api.server)
      .post('/j/some-code/guest')
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/json')
      .send(deep)
      .expect(400);
    expect(fieldsOf(guest.body)).toEqual({ body: ['body must not nest objects or arrays more than 16 levels deep'] });
    await post(teacher, '/api/v1/meetings', JSON.parse(`{"options":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`)).expect(400);
  });

  it('takes the documented maximum of 2,000 invitees with names in one request', async () => {
    const invitees = Array.from({ length: 2000 }, (_, index) => ({
      email: `pupil.with.a.rather.long.address.${index}@secondary-school.example.org`,
      name: `${'Ä'.repeat(180)} ${String(index).padStart(4, '0')}`,
    }));
    const res = await post(teacher, '/api/v1/meetings', meeting({ invitees }));
    expect({ status: res.status, problem: res.status === 201 ? undefined : res.body }).toEqual({ status: 201 });
    expect(res.body.invitations).toHaveLength(2000);
    // Far beyond it, the body is refused as too large (a JSON 413), not parsed.
    const huge = await post(teacher, '/api/v1/meetings', meeting({ description: 'x'.repeat(5 * 1024 * 1024) })).expect(413);
    expect(huge.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  }, 60_000);

  it('under /api every error is JSON, a failed CSRF check too, whatever the client accepts', async () => {
    const res = await teacher.post('/api/v1/meetings').set('Accept', 'text/html').send(meeting()).expect(403);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 403, code: 'CSRF_INVALID' });
    // Pages keep their HTML error page.
    const page = await teacher.post('/meetings').set('Accept', 'text/html').type('form').send('title=x').expect(403);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });

  it('the API and signed-in pages are never cached; static files are', async () => {
    expect((await teacher.get('/api/v1/me').expect(200)).headers['cache-control']).toBe('no-store');
    expect((await request(env.api.server).get('/api/v1/me').expect(401)).headers['cache-control']).toBe('no-store');
    for (const path of ['/', '/meetings', '/account/sessions'])
      expect({ path, cc: (await teacher.get(path).expect(200)).headers['cache-control'] }).toEqual({ path, cc: 'no-store' });
    expect((await admin.get('/admin/users').expect(200)).headers['cache-control']).toBe('no-store');
    expect((await teacher.get('/static/style.css').expect(200)).headers['cache-control']).not.toBe('no-store');
  });
});
