import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { startSignedInApi, type SignedInApi } from './signed-in';

interface RouteEntry {
  method: string;
  path: string;
}

/** Every route the running api serves, read from Express' router (so a new admin route is covered too). */
function routesOf(env: SignedInApi): RouteEntry[] {
  const instance = env.api.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  const routes: RouteEntry[] = [];
  for (const layer of stack as { route?: { path: string | string[]; methods: Record<string, boolean> } }[]) {
    if (!layer.route) continue;
    for (const path of [layer.route.path].flat()) {
      for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') routes.push({ method: method.toUpperCase(), path });
    }
  }
  return routes;
}

const isAdminRoute = (route: RouteEntry) =>
  route.path.startsWith('/admin') ||
  route.path.startsWith('/api/v1/admin') ||
  route.path.startsWith('/api/v1/servers') ||
  route.path === '/api/v1/tokens/inspect';

/** A concrete URL for a route pattern: every :param gets a fresh uuid (the guard answers before any lookup). */
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, () => randomUUID());

describe('Administration is for admins only (every admin page and API, table-driven)', () => {
  let env: SignedInApi;
  let dataSource: DataSource;
  const agents: Record<string, { agent: TestAgent; csrf: string }> = {};

  beforeAll(async () => {
    env = await startSignedInApi();
    dataSource = env.api.app.get(DataSource);
    for (const email of ['admin@school.test', 'teacher@school.test', 'student@school.test']) {
      const agent = await env.signIn(email);
      agents[email] = { agent, csrf: await env.csrf(agent) };
    }
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the personal link is the first route Express tries (the join storm at 8 o’clock), before the health checks and every page', () => {
    // The API documentation (Swagger UI) is mounted before Nest registers its controllers.
    const routes = routesOf(env).filter((route) => !route.path.startsWith('/api/docs'));
    expect(routes.slice(0, 3)).toEqual([
      { method: 'GET', path: '/j/:code' },
      { method: 'POST', path: '/j/:code/guest' },
      { method: 'GET', path: '/meetings/:id/start' },
    ]);
    expect(routes.length).toBeGreaterThan(50);
  });

  it('finds the admin routes it checks (users, sessions, policy, audit, servers, inspector)', () => {
    const admin = routesOf(env).filter(isAdminRoute);
    const paths = admin.map((route) => `${route.method} ${route.path}`);
    for (const expected of [
      'GET /admin',
      'GET /admin/users',
      'POST /admin/users/:id/roles',
      'POST /admin/users/:id/disable',
      'GET /admin/sessions',
      'POST /admin/sessions/:id/revoke',
      'GET /admin/policy',
      'POST /admin/policy',
      'GET /admin/audit',
      'GET /admin/audit.csv',
      'GET /api/v1/admin/users',
      'PATCH /api/v1/admin/users/:id',
      'GET /api/v1/admin/sessions',
      'DELETE /api/v1/admin/sessions/:id',
      'PUT /api/v1/admin/policy',
      'GET /api/v1/admin/audit',
      'GET /api/v1/admin/audit.csv',
      'POST /api/v1/admin/role-grants',
      'GET /api/v1/admin/servers',
      'GET /admin/servers',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(admin.length).toBeGreaterThanOrEqual(40);
  });

  for (const who of ['teacher@school.test', 'student@school.test']) {
    it(`${who.split('@')[0]}: every admin route answers 403 ROLE_REQUIRED, and nothing changes`, async () => {
      const { agent, csrf } = agents[who];
      const auditBefore = await dataSource.query('SELECT count(*)::int AS n FROM audit_events');
      const refused: string[] = [];
      const wrong: string[] = [];
      for (const route of routesOf(env).filter(isAdminRoute)) {
        const url = concrete(route.path);
        const res = await agent[route.method.toLowerCase() as 'get'](url).set('accept', 'application/json').set('x-csrf-token', csrf).send({});
        if (res.status === 403 && res.body?.code === 'ROLE_REQUIRED') refused.push(`${route.method} ${route.path}`);
        else wrong.push(`${route.method} ${route.path} → ${res.status} ${res.body?.code ?? ''}`);
      }
      expect(wrong).toEqual([]);
      expect(refused.length).toBeGreaterThanOrEqual(40);
      // Nothing was written: no policy row, no role change, no audit event beyond the logins.
      expect(await dataSource.query('SELECT count(*)::int AS n FROM audit_events')).toEqual(auditBefore);
      expect(await dataSource.query('SELECT count(*)::int AS n FROM org_settings')).toEqual([{ n: 0 }]);
    });

    it(`${who.split('@')[0]}: the admin pages answer a browser with the 403 page, not the admin area`, async () => {
      const { agent } = agents[who];
      for (const path of ['/admin', '/admin/users', '/admin/sessions', '/admin/policy', '/admin/audit']) {
        const res = await agent.get(path).set('accept', 'text/html').expect(403);
        expect(res.text).not.toContain('action="/admin/policy"');
        expect(res.text).not.toContain('admin@school.test');
      }
    });
  }

  it('the admin gets every admin page', async () => {
    const { agent } = agents['admin@school.test'];
    for (const path of ['/admin', '/admin/users', '/admin/sessions', '/admin/policy', '/admin/audit']) {
      await agent.get(path).set('accept', 'text/html').expect(200);
    }
  });

  it('the dashboard says whether a mail worker runs (from the heartbeat the worker writes every 5 s)', async () => {
    const { agent } = agents['admin@school.test'];
    const dashboard = async () => (await agent.get('/admin').set('accept', 'text/html').expect(200)).text;
    await dataSource.query('DELETE FROM worker_heartbeats');
    expect(await dashboard()).toContain('No mail worker has reported yet: mails are not being sent.');
    await dataSource.query(
      `INSERT INTO worker_heartbeats (id, host, pid, started_at, seen_at) VALUES ('w1:7', 'w1', 7, now() - interval '1 hour', now() - interval '125 seconds')`,
    );
    expect(await dashboard()).toMatch(/No mail worker has reported for 12\d s: mails are not being sent\./);
    await dataSource.query(`UPDATE worker_heartbeats SET seen_at = now()`);
    expect(await dashboard()).toMatch(/Mail worker last seen \d s ago \(processes running: 1\)\./);
    await dataSource.query('DELETE FROM worker_heartbeats');
  });

  it('the admin API and API tokens are in the OpenAPI document', async () => {
    const request = (await import('supertest')).default;
    const doc = (await request(env.api.server).get('/api/docs-json').expect(200)).body;
    for (const path of [
      '/api/v1/admin/users',
      '/api/v1/admin/users/{id}',
      '/api/v1/admin/sessions',
      '/api/v1/admin/sessions/{id}',
      '/api/v1/admin/policy',
      '/api/v1/admin/audit',
      '/api/v1/admin/audit.csv',
      '/api/v1/admin/role-grants',
      '/api/v1/admin/servers',
      '/api/v1/account/api-tokens',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.paths['/api/v1/admin/policy'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('without a session: the API says 401, pages send the browser to the login', async () => {
    const request = (await import('supertest')).default;
    await request(env.api.server).get('/api/v1/admin/users').expect(401);
    const page = await request(env.api.server).get('/admin/users').set('accept', 'text/html').expect(303);
    expect(page.headers.location).toBe('/auth/login?returnTo=%2Fadmin%2Fusers');
  });
});
