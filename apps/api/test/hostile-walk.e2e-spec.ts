import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { startTestLdap } from '@moderato/testing';
import { csrfTokenOf } from './api-app';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

/*
 * Walks everything the api exposes (every operation of its OpenAPI document, every POST form
 * of every page a signed-in admin can reach) with hostile values, one parameter or field at a
 * time, and asserts that nothing answers 5xx and that a refused request (4xx) wrote nothing.
 * Routes are discovered, never listed here: a new route is walked as soon as it exists.
 */

const LONG = 'x'.repeat(10_240);

/** Hostile JSON values per schema type; every list also gets NUL, a lone surrogate and 10 kB. */
const TEXT = ['\u0000', 'a\u0000b', '\ud800', 'a\udc00b', LONG];
const JSON_VALUES: Record<string, unknown[]> = {
  string: [...TEXT, 1e20, -1, true, ['a'], { a: { b: 'c' } }],
  integer: [...TEXT, 1e20, -1, -1e20, 1.5, 'abc', '99999999999999999999', true, [1], { a: 1 }],
  boolean: [...TEXT, 'abc', 2, [true], { a: 1 }],
  array: [...TEXT, 1, { a: 1 }, ['\u0000'], ['\ud800'], [LONG], [{ a: { b: '\u0000' } }], [[[[]]]]],
  object: [...TEXT, 1, [], [{}], { '\u0000': 1 }, { a: '\ud800' }],
};
JSON_VALUES.number = JSON_VALUES.integer;

/** Hostile query, path and form values, already URL-encoded. */
const ENCODED = ['%00', 'a%00b', '%ED%A0%80', LONG, '99999999999999999999', '-1', 'abc', '1.5', '%F0%9F'];
/** Whole bodies: deeper than anything needs, and the wrong shape. */
const DEEP = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
const WRONG_BODIES = [DEEP, '[]', '"x"', '1', '{"a":"\\u0000"}', '{"a":"\\ud800"}'];

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  format?: string;
  required?: string[];
};
type Operation = { parameters?: { name: string; in: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };

interface Outcome {
  what: string;
  status: number;
}

describe('no input makes a 500 (every route and every form, with hostile values)', () => {
  let env: SignedInApi;
  let admin: TestAgent;
  let csrf: string;
  let dataSource: DataSource;
  let countSql: string;
  let counts: Record<string, number>;
  const ids: Record<string, string> = {};
  let personalLink: string;
  const failures: string[] = [];
  let refused = 0;

  const rowCounts = async (): Promise<Record<string, number>> => {
    const rows: { t: string; n: string }[] = await dataSource.query(countSql);
    return Object.fromEntries(rows.map((row) => [row.t, Number(row.n)]));
  };

  /**
   * The status of a request. One that gets no (complete) answer counts as a 599: no answer
   * within 10 s, or the connection closed mid-answer (a stream that broke after its headers).
   */
  const statusOf = async (pending: request.Test): Promise<number> => {
    try {
      return (await pending.timeout({ response: 10_000 })).status;
    } catch (error) {
      if (typeof (error as { status?: unknown }).status !== 'number') return 599;
      throw error;
    }
  };

  /** Records a 5xx, or a refusal that wrote rows, as a failure; keeps the row counts current. */
  const check = async ({ what, status }: Outcome) => {
    if (status === 400) refused++;
    const now = await rowCounts();
    if (status >= 500) failures.push(`${status} ${what}`);
    // A refused request writes nothing. (A failed sign-in is refused too, and audited on purpose.)
    if (status >= 400 && status < 500 && status !== 401) {
      const changed = Object.keys(now).filter((table) => now[table] !== counts[table]);
      if (changed.length) failures.push(`${status} ${what} wrote rows in ${changed.join(', ')}`);
    }
    counts = now;
  };

  const show = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 20)}…(${text.length})` : JSON.stringify(text).slice(1, -1);
  };

  beforeAll(async () => {
    const ldap = await startTestLdap();
    // The rate limiter stays in the path of /j/* and /auth/*, with room for the walk's requests.
    env = await startSignedInApi({ env: { ...ldap.env, RATE_LIMIT_PER_MINUTE: '999999' } });
    dataSource = env.api.app.get(DataSource);
    await env.api.app.listen(0, '127.0.0.1'); // one server, keep-alive connections
    const server = await registerJitsiServer(env.api);
    admin = await env.signIn('admin@school.test');
    csrf = await env.csrf(admin);
    // The admin organizes too, so the organizer routes and forms are walked past their role check.
    const me = (await admin.get('/api/v1/me').expect(200)).body;
    await admin.patch(`/api/v1/admin/users/${me.id}`).set('x-csrf-token', csrf).send({ organizer: 'grant' }).expect(200);
    const teacher = await env.signIn('teacher@school.test');
    const teacherCsrf = await env.csrf(teacher);

    // Something behind every kind of id: a meeting (a series, with guests) and its invitation,
    // a room, an API token, another user and their session, an interop check.
    const week = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().slice(0, 10);
    await admin.put('/api/v1/admin/policy').set('x-csrf-token', csrf).send({ guestAccessAllowed: true }).expect(200);
    const meeting = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', teacherCsrf)
      .send({
        title: 'Walk',
        startsAt: `${week}T08:00:00+00:00`,
        endsAt: `${week}T09:00:00+00:00`,
        timezone: 'Europe/Berlin',
        recurrence: 'FREQ=WEEKLY;COUNT=3',
        options: { guestAccess: true, requireLogin: false },
        invitees: [{ email: 'student@school.test', name: 'Sam' }],
      });
    if (meeting.status !== 201) throw new Error(`meeting: ${meeting.status} ${JSON.stringify(meeting.body)}`);
    ids.meetings = meeting.body.id;
    ids.invitations = meeting.body.invitations[0].id;
    // The personal link: its page has the guest form (for people who are not signed in).
    personalLink = `/j/${env.api.app.get(LinkCodes).codeFor(await dataSource.getRepository(Invitation).findOneByOrFail({ id: ids.invitations }))}`;
    ids.servers = server.id;
    const room = await admin.post('/api/v1/admin/rooms').set('x-csrf-token', csrf).send({ name: 'Staff room', serverId: server.id });
    ids.rooms = room.body.id;
    const token = await admin
      .post('/api/v1/account/api-tokens')
      .set('x-csrf-token', csrf)
      .send({ name: 'walk', scopes: ['meetings:read'], expiresInDays: 30 });
    ids['api-tokens'] = token.body.id;
    if (!ids.rooms || !ids['api-tokens']) throw new Error(`room ${room.status}, token ${token.status}`);
    const [teacherRow] = await dataSource.query(
      `SELECT u.id AS "user", s.id AS session FROM users u JOIN sessions s ON s.user_id = u.id WHERE u.email = 'teacher@school.test' LIMIT 1`,
    );
    ids.users = teacherRow.user;
    ids.sessions = teacherRow.session;
    const [occurrence] = (await admin.get(`/api/v1/meetings/${ids.meetings}/occurrences`).expect(200)).body.items ?? [];
    ids.occurrence = occurrence?.startsAt ?? occurrence?.id ?? week;
    await admin.post(`/api/v1/admin/servers/${server.id}/interop`).set('x-csrf-token', csrf).send({});
    const [check] = await dataSource.query('SELECT id FROM jitsi_server_checks LIMIT 1').catch(() => []);
    if (check) ids.checkId = check.id;

    const tables: { table_name: string }[] = await dataSource.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations' ORDER BY 1",
    );
    countSql = tables.map(({ table_name }) => `SELECT '${table_name}' AS t, count(*) AS n FROM "${table_name}"`).join(' UNION ALL ');
    counts = await rowCounts();
  }, 60_000);

  afterAll(async () => {
    await env?.close();
  });

  /** The id to put in a path parameter: the resource named by the segment before it. */
  const idFor = (path: string, param: string): string => {
    if (ids[param]) return ids[param];
    if (param === 'invitationId') return ids.invitations;
    const segments = path.split('/');
    const at = segments.indexOf(`{${param}}`);
    const collection = segments[at - 1];
    return ids[collection] ?? ids[collection.replace(/s$/, '') + 's'] ?? '00000000-0000-4000-8000-000000000000';
  };

  /** A plausible valid value for a schema: its example, default or first enum value. */
  const sample = (schema: Schema | undefined, doc: OpenApi, name = ''): unknown => {
    const resolved = resolve(schema, doc);
    if (!resolved) return 'x';
    if (resolved.example !== undefined) return resolved.example;
    if (resolved.default !== undefined) return resolved.default;
    if (resolved.enum) return resolved.enum[0];
    if (name.endsWith('Id') && ids[name.slice(0, -2) + 's']) return ids[name.slice(0, -2) + 's'];
    switch (resolved.type) {
      case 'integer':
      case 'number':
        return 1;
      case 'boolean':
        return false;
      case 'array':
        return [sample(resolved.items, doc)];
      case 'object':
        return Object.fromEntries(Object.entries(resolved.properties ?? {}).map(([key, child]) => [key, sample(child, doc, key)]));
      default:
        return resolved.properties ? sample({ ...resolved, type: 'object' }, doc) : 'x';
    }
  };

  type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
  const resolve = (schema: Schema | undefined, doc: OpenApi): Schema | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(doc.components?.schemas?.[schema.$ref.split('/').pop()!], doc);
    if (schema.allOf?.length)
      return schema.allOf
        .map((part) => resolve(part, doc))
        .reduce((a, b) => ({ ...a, ...b, properties: { ...a?.properties, ...b?.properties } }), {} as Schema);
    return schema;
  };

  /** Every field of a body schema with its path and type, nested objects and array items included. */
  const fieldsOf = (schema: Schema | undefined, doc: OpenApi, prefix: (string | number)[] = []): { path: (string | number)[]; type: string }[] => {
    const resolved = resolve(schema, doc);
    if (!resolved?.properties || prefix.length > 4) return [];
    return Object.entries(resolved.properties).flatMap(([key, child]) => {
      const own = resolve(child, doc) ?? {};
      const type = own.type ?? (own.properties ? 'object' : 'string');
      const path = [...prefix, key];
      const nested = type === 'array' ? fieldsOf(own.items, doc, [...path, 0]) : type === 'object' ? fieldsOf(own, doc, path) : [];
      return [{ path, type }, ...nested];
    });
  };

  const withValue = (base: unknown, path: (string | number)[], value: unknown): unknown => {
    const copy = structuredClone(base) as Record<string | number, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = (node[key] ??= typeof key === 'number' ? [] : {}) as Record<string | number, unknown>;
    node[path[path.length - 1]] = value;
    return copy;
  };

  it('every operation of the OpenAPI document answers hostile parameters and bodies with a 4xx (or a harmless 2xx), never a 5xx', async () => {
    failures.length = 0;
    refused = 0;
    const doc = (await admin.get('/api/docs-json').expect(200)).body as OpenApi;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThan(30);

    for (const { path, method, operation } of operations) {
      const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path' || parameter.in === 'query');
      const fill = (overrides: Record<string, string> = {}) =>
        path.replace(/\{(\w+)\}/g, (_, name: string) => overrides[name] ?? encodeURIComponent(idFor(path, name)));
      const send = (url: string, body?: unknown, raw = false) => {
        const req = admin[method as 'get' | 'post' | 'patch' | 'put' | 'delete'](url).set('x-csrf-token', csrf).set('Accept', 'application/json');
        if (body === undefined) return req;
        return raw ? req.set('Content-Type', 'application/json').send(body as string) : req.send(body as object);
      };

      for (const parameter of parameters) {
        for (const value of ENCODED) {
          const url = parameter.in === 'path' ? fill({ [parameter.name]: value }) : `${fill()}?${parameter.name}=${value}`;
          await check({ what: `${method.toUpperCase()} ${path} ${parameter.in} ${parameter.name}=${show(value)}`, status: await statusOf(send(url)) });
        }
        if (parameter.in === 'query') {
          for (const query of [`${parameter.name}=a&${parameter.name}=b`, `${parameter.name}[a]=b`, `${parameter.name}[]=1`]) {
            await check({ what: `${method.toUpperCase()} ${path} ?${query}`, status: await statusOf(send(`${fill()}?${query}`)) });
          }
        }
      }

      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (!schema && !['post', 'put', 'patch'].includes(method)) continue;
      const base = schema ? sample(schema, doc) : {};
      for (const field of fieldsOf(schema, doc)) {
        for (const value of JSON_VALUES[field.type] ?? JSON_VALUES.string) {
          await check({
            what: `${method.toUpperCase()} ${path} body ${field.path.join('.')}=${show(value)}`,
            status: await statusOf(send(fill(), withValue(base, field.path, value))),
          });
        }
      }
      for (const body of WRONG_BODIES) {
        await check({ what: `${method.toUpperCase()} ${path} body ${show(body)}`, status: await statusOf(send(fill(), body, true)) });
      }
    }
    expect(failures).toEqual([]);
    // The values reached validation (not a blanket 403/404 in front of it).
    expect(refused).toBeGreaterThan(1000);
  }, 600_000);

  it('every POST form of every page an admin can reach answers hostile fields with a 4xx (or a harmless 2xx/3xx), never a 5xx', async () => {
    failures.length = 0;
    refused = 0;
    // Crawl the signed-in pages (one per route pattern) and collect their forms.
    const pattern = (url: string) =>
      url
        .split('?')[0]
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')
        .replace(/\/j\/[^/]+/, '/j/:code')
        .replace(/\/r\/[^/]+/, '/r/:slug');
    const queue = ['/', '/auth/login', `/meetings/${ids.meetings}`, personalLink];
    const visited = new Set<string>();
    const forms = new Map<string, { action: string; fields: [string, string][] }>();
    // What pages read from their query string: the fields of GET forms (search, filters) and the
    // parameters of links (paging).
    const queries = new Map<string, { path: string; names: Set<string> }>();
    const addQuery = (path: string, name: string) => {
      if (!queries.has(pattern(path))) queries.set(pattern(path), { path, names: new Set() });
      queries.get(pattern(path))!.names.add(name);
    };
    while (queue.length && visited.size < 120) {
      const url = queue.shift()!;
      if (visited.has(pattern(url))) continue;
      visited.add(pattern(url));
      // The login form is for people who are not signed in.
      const agent = url.startsWith('/auth/') || url.startsWith('/j/') || url.startsWith('/r/') ? request.agent(env.api.server) : admin;
      const page = await agent.get(url).set('Accept-Language', 'en');
      await check({ what: `GET ${url}`, status: page.status });
      if (page.status !== 200 || !/text\/html/.test(String(page.headers['content-type']))) continue;
      for (const [, href] of page.text.matchAll(/href="(\/[^"#]*)"/g)) {
        const link = href.replace(/&amp;/g, '&');
        const [linkPath, search] = link.split('?');
        for (const name of new URLSearchParams(search ?? '').keys()) addQuery(linkPath, name);
        if (/^\/(static|api|asap)\b|^\/auth\/(logout|oidc|callback|switch)|\.(csv|ics)\b/.test(link) || visited.has(pattern(link))) continue;
        queue.push(link);
      }
      for (const [, attributes, inner] of page.text.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
        const action = (/action="([^"]*)"/.exec(attributes)?.[1] ?? url).replace(/&amp;/g, '&');
        if (!/method="post"/i.test(attributes)) {
          for (const [, name] of inner.matchAll(/name="([^"]+)"/g)) addQuery(action.split(/[?#]/)[0], name);
          continue;
        }
        const key = `${pattern(action)} ${[...inner.matchAll(/name="([^"]+)"/g)].map((m) => m[1]).join(',')}`;
        if (forms.has(key)) continue;
        const fields: [string, string][] = [];
        for (const [tag] of inner.matchAll(/<(input|textarea|select|button)\b[^>]*>/g)) {
          const name = /name="([^"]+)"/.exec(tag)?.[1];
          if (!name || fields.some(([field]) => field === name) || (/type="(file|submit)"/.test(tag) && !/<button/.test(tag))) continue;
          if (/type="(checkbox|radio)"/.test(tag) && !/\bchecked\b/.test(tag)) continue;
          fields.push([name, (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&')]);
        }
        forms.set(key, { action, fields });
      }
    }
    expect([...forms.keys()].length).toBeGreaterThan(10);
    // The guest form shows on a personal link page only while the room is open: walk it anyway.
    if (![...forms.keys()].some((key) => key.startsWith('/j/:code/guest')))
      forms.set('/j/:code/guest', { action: `${personalLink}/guest`, fields: [['displayName', 'Guest']] });

    expect(queries.size).toBeGreaterThan(2);
    for (const { path, names } of queries.values()) {
      for (const name of names) {
        for (const value of [...ENCODED, `a&${name}=b`, `a&${name}[a]=b`]) {
          await check({
            what: `GET ${path} (form) ?${name}=${show(value)}`,
            status: await statusOf(admin.get(`${path}?${name}=${value}`).set('Accept-Language', 'en')),
          });
        }
      }
    }

    const encode = (fields: [string, string][]) => fields.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
    for (const { action, fields } of forms.values()) {
      const anonymous = action.startsWith('/auth/') || action.startsWith('/j/') || action.startsWith('/r/');
      const agent = anonymous ? request.agent(env.api.server) : admin;
      const token = anonymous ? csrfTokenOf((await agent.get('/auth/login').expect(200)).text) : csrf;
      const valid = fields.filter(([name]) => name !== '_csrf');
      const url = action.replace(/([?&])_csrf=[^&]*/, `$1_csrf=${encodeURIComponent(token)}`);
      for (const [name] of valid) {
        const others = valid.filter(([other]) => other !== name);
        const bodies: { what: string; type: 'form' | 'json'; body: string }[] = [
          ...ENCODED.map((value) => ({ what: show(value), type: 'form' as const, body: `${encode(others)}&${encodeURIComponent(name)}=${value}` })),
          { what: 'array', type: 'form', body: `${encode(others)}&${name}=a&${name}=b` },
          { what: 'nested', type: 'form', body: `${encode(others)}&${name}[a][b]=c` },
          ...['\ud800', '\u0000', ['a'], { a: { b: 'c' } }, 1e20].map((value) => ({
            what: `json ${show(value)}`,
            type: 'json' as const,
            body: JSON.stringify({ ...Object.fromEntries(others), [name]: value, _csrf: token }),
          })),
        ];
        for (const { what, type, body } of bodies) {
          const pending = agent
            .post(url)
            .set('Accept-Language', 'en')
            .set('Content-Type', type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')
            .send(type === 'json' ? body : `_csrf=${encodeURIComponent(token)}&${body}`);
          await check({ what: `POST ${action} (form) ${name}=${what}`, status: await statusOf(pending) });
        }
      }
    }
    expect(failures).toEqual([]);
    expect((await admin.get('/api/v1/me').expect(200)).body.roles).toContain('admin'); // still signed in: the walk itself was sound
    expect(refused).toBeGreaterThan(500);
  }, 600_000);
});
