/**
 * Dashboards at scale: an organisation with 50,000 meetings, about 1,000,000 invitations and
 * 100,000 audit events. p50/p95/p99 of "My meetings", a meeting page with 2,000 invitees,
 * "My invitations" of a student and the audit log filtered by actor (pages and their REST
 * twins), against the built api in production mode; EXPLAIN ANALYZE of every query they run.
 *
 *   npm run bench:list        (BENCH_REUSE=1 keeps an existing moderato_bench_list)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { AuditService } from '@moderato/audit';
import { SessionsService, UsersService } from '@moderato/identity';
import { InvitationsService, LinkCodes, SchedulingService, hashLinkCode } from '@moderato/meetings';
import {
  BENCH_SECRETS,
  configOf,
  databaseExists,
  databaseUrl,
  freshDatabase,
  inParallel,
  machine,
  printTable,
  productionEnv,
  serviceContext,
  sessionCookie,
  startBuilt,
  step,
  writeResults,
} from './lib/harness';
import { runLoad, type LoadResult } from './lib/load';
import { benchServers, signIn } from './lib/people';

const TEACHERS = 250;
const STUDENTS = 2000;
const BULK_MEETINGS = 49_999;
const INVITEES_PER_MEETING = 20;
const AUDIT_EVENTS = 100_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1);
const META = join(tmpdir(), 'moderato-bench-list.json');

interface Prepared {
  teacherId: string;
  teacherToken: string;
  studentId: string;
  studentToken: string;
  adminToken: string;
  bigMeetingId: string;
  actorFilter: string;
  sample: { invitationId: string; studentToken: string };
}

/** The data: people and the 2,000-invitee meeting through the services, the bulk set-based. */
async function prepare(ctx: INestApplicationContext): Promise<Prepared> {
  const dataSource = ctx.get(DataSource);
  const { hs256 } = await benchServers(ctx);
  const sessions = ctx.get(SessionsService);
  step(`${TEACHERS} teachers, ${STUDENTS} students and an admin, as their first login creates them`);
  const admin = await signIn(ctx, { subject: 'admin-1', email: 'admin1@school.test', name: 'Admin One', roles: ['admins'] });
  const teachers = await inParallel(
    Array.from({ length: TEACHERS }, (_, i) => i + 1),
    8,
    (n) => signIn(ctx, { subject: `teacher-${n}`, email: `teacher${n}@school.test`, name: `Teacher ${n}`, roles: ['teachers'] }),
  );
  const students = await inParallel(
    Array.from({ length: STUDENTS }, (_, i) => i + 1),
    8,
    (n) => signIn(ctx, { subject: `student-${n}`, email: `student${n}@school.test`, name: `Student ${n}` }),
  );
  const [teacher, student] = [teachers[0], students[0]];

  step('the assembly: a meeting with 2,000 invitees, through SchedulingService');
  const startsAt = new Date(Date.now() + 2 * 24 * 3600_000);
  const { meeting: big } = await ctx.get(SchedulingService).create(
    { user: teacher, roles: ['organizer'], ip: '127.0.0.1' },
    {
      title: 'Whole-school assembly',
      serverId: hs256.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
      timezone: 'Europe/Berlin',
      invitees: students.map((s) => ({ email: s.email, name: s.displayName, role: 'participant' as const })),
    },
  );

  // Set-based bulk: the rows SchedulingService / the mail worker / the join flow would leave
  // behind (same columns, link code = HMAC(SECRETS_KEY, "invitation-link:<id>:<salt>") and its
  // SHA-256, statuses), written by INSERT … SELECT generate_series. Meeting k starts
  // (k - 37,500) × 42 min from now + 5 min: three years back, one year ahead, meeting 37,500 open now.
  step(`bulk: ${BULK_MEETINGS} meetings, ${BULK_MEETINGS * INVITEES_PER_MEETING} invitations, ${AUDIT_EVENTS} audit events (set-based SQL)`);
  const teacherIds = teachers.map((t) => t.id);
  const studentIds = students.map((s) => s.id);
  await dataSource.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
  await dataSource.query(
    `INSERT INTO meetings (server_id, organizer_id, title, description, room_name, starts_at, ends_at, timezone, version, cancelled_at, created_at, updated_at)
     SELECT $1, ($2::uuid[])[1 + (k % $3)], 'Lesson ' || k, '', 'lesson-' || k || '-' || substr(md5(random()::text), 1, 10),
            s, s + interval '45 minutes', 'Europe/Berlin', 1,
            CASE WHEN k % 50 = 25 THEN s - interval '1 day' END, s - interval '7 days', s - interval '7 days'
       FROM generate_series(1, $4) AS k, LATERAL (SELECT now() + interval '5 minutes' + (k - 37500) * interval '42 minutes' AS s) AS t`,
    [hs256.id, teacherIds, TEACHERS, BULK_MEETINGS],
  );
  const key = `\\x${BENCH_SECRETS_KEY_HEX}`;
  await dataSource.query(
    `WITH m AS (SELECT id, starts_at, created_at, row_number() OVER (ORDER BY starts_at) AS k FROM meetings WHERE title LIKE 'Lesson %'),
          rows AS (
            SELECT gen_random_uuid() AS id, m.id AS meeting_id, m.starts_at, m.created_at,
                   1 + ((m.k * $3 + j) % $4) AS n,
                   rtrim(translate(encode(gen_random_bytes(16), 'base64'), '+/', '-_'), '=') AS salt
              FROM m, generate_series(0, $3 - 1) AS j)
     INSERT INTO invitations (id, meeting_id, email, name, role, bound_user_id, link_code_salt, link_code_hash, status, sent_at, joined_at, join_count, created_at, updated_at)
     SELECT id, meeting_id, 'student' || n || '@school.test', 'Student ' || n, 'participant',
            CASE WHEN starts_at < now() AND (n % 10) < 7 THEN ($2::uuid[])[n] END,
            salt,
            encode(sha256(convert_to(rtrim(translate(encode(hmac(convert_to('invitation-link:' || id || ':' || salt, 'UTF8'), $1::bytea, 'sha256'), 'base64'), '+/', '-_'), '='), 'UTF8')), 'hex'),
            'sent', created_at + interval '1 minute',
            CASE WHEN starts_at < now() AND (n % 10) < 7 THEN starts_at END,
            CASE WHEN starts_at < now() AND (n % 10) < 7 THEN 1 ELSE 0 END,
            created_at, created_at
       FROM rows`,
    [key, studentIds, INVITEES_PER_MEETING, STUDENTS],
  );
  await dataSource.query(
    `INSERT INTO audit_events (actor_id, actor_label, action, subject_type, subject_id, metadata, ip, created_at)
     SELECT u.id, u.email, (ARRAY['token.issued', 'auth.login', 'meeting.created', 'invitation.added', 'session.revoked'])[1 + (k % 5)],
            'meeting', gen_random_uuid()::text, jsonb_build_object('n', k), '127.0.0.1',
            now() - (k * interval '15 minutes')
       FROM generate_series(1, $2) AS k
       JOIN LATERAL (SELECT ($1::uuid[])[1 + (k * 7919) % array_length($1::uuid[], 1)] AS id) AS pick ON true
       JOIN users u ON u.id = pick.id`,
    [[...teacherIds, ...studentIds], AUDIT_EVENTS],
  );
  await dataSource.query('DROP EXTENSION pgcrypto');
  await dataSource.query('VACUUM ANALYZE');

  // A bulk invitation of the meeting that is open now, for one student: the proof that the bulk
  // rows work through the real join path (its code is computed by LinkCodes, not by SQL).
  const [sample] = await dataSource.query(
    `SELECT i.id, i.link_code_salt AS salt, i.link_code_hash AS hash, i.bound_user_id, u.id AS user_id
       FROM invitations i JOIN meetings m ON m.id = i.meeting_id JOIN users u ON u.email = i.email
      WHERE m.title = 'Lesson 37500' LIMIT 1`,
  );
  if (hashLinkCode(ctx.get(LinkCodes).codeFor({ id: sample.id, linkCodeSalt: sample.salt })) !== sample.hash)
    throw new Error('bulk link code hash differs from LinkCodes');
  const sampleUser = (await ctx.get(UsersService).findById(sample.user_id))!;
  const sessionOf = async (user: typeof admin) => (await sessions.create(user, { userAgent: 'moderato-bench', ip: '127.0.0.1' })).token;
  return {
    teacherId: teacher.id,
    teacherToken: await sessionOf(teacher),
    studentId: student.id,
    studentToken: await sessionOf(student),
    adminToken: await sessionOf(admin),
    bigMeetingId: big.id,
    actorFilter: 'teacher17@school.test',
    sample: { invitationId: sample.id, studentToken: await sessionOf(sampleUser) },
  };
}

const BENCH_SECRETS_KEY_HEX = Buffer.from(BENCH_SECRETS.SECRETS_KEY, 'base64').toString('hex');

/** Runs what each page runs, through the services, recording the SQL; then EXPLAIN ANALYZE of each. */
async function explainAll(ctx: INestApplicationContext, prepared: Prepared) {
  const dataSource = ctx.get(DataSource);
  const users = ctx.get(UsersService);
  const teacher = (await users.findById(prepared.teacherId))!;
  const student = (await users.findById(prepared.studentId))!;
  const recorded: { query: string; parameters?: unknown[] }[] = [];
  const recorder: TypeOrmLogger = {
    logQuery: (query, parameters) => void recorded.push({ query, parameters: parameters as unknown[] | undefined }),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  const original = dataSource.logger;
  Object.defineProperty(dataSource, 'logger', { value: recorder, configurable: true, writable: true });
  const meetings = ctx.get(SchedulingService);
  const invitations = ctx.get(InvitationsService);
  const audit = ctx.get(AuditService);
  const teacherCaller = { user: teacher, roles: ['organizer'] };
  const pages: [string, () => Promise<unknown>][] = [
    ['My meetings', () => meetings.list(teacherCaller, { when: 'upcoming', page: 1 })],
    ['My meetings (past)', () => meetings.list(teacherCaller, { when: 'past', page: 1 })],
    [
      'Meeting page, 2,000 invitees',
      async () => [await meetings.get(teacherCaller, prepared.bigMeetingId), await invitations.listInvitations(teacherCaller, prepared.bigMeetingId)],
    ],
    ['My invitations', () => invitations.invitationsFor(student)],
    ['Audit log by actor', async () => [await audit.search({ actor: prepared.actorFilter }, { page: 1, pageSize: 50 }), await audit.actions()]],
  ];
  const plans: Record<string, { query: string; plan: string }[]> = {};
  for (const [name, run] of pages) {
    recorded.length = 0;
    await run();
    const queries = recorded.filter((q) => /^\s*(SELECT|WITH)/i.test(q.query));
    plans[name] = [];
    for (const q of queries) {
      const rows: { 'QUERY PLAN': string }[] = await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.query}`, q.parameters);
      plans[name].push({ query: q.query, plan: rows.map((r) => r['QUERY PLAN']).join('\n') });
    }
  }
  Object.defineProperty(dataSource, 'logger', { value: original, configurable: true, writable: true });
  return plans;
}

/** What a plan uses: index scans by name, and any sequential scan of a large table. */
function planSummary(plan: string): string {
  const used = new Set<string>();
  for (const match of plan.matchAll(/(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) "?(\w+)"?/g))
    used.add(match[2].startsWith('PK_') ? 'primary key' : match[2]);
  const seq = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]).filter((table) => ['meetings', 'invitations', 'audit_events', 'users'].includes(table));
  const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
  return `${[...used].join(', ') || 'no index'}${seq.length ? `; SEQ SCAN ${[...new Set(seq)].join(', ')}` : ''}; ${time} ms`;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const reuse = process.env.BENCH_REUSE === '1' && (await databaseExists('list')) && existsSync(META);
  const dbUrl = reuse ? databaseUrl('moderato_bench_list') : await freshDatabase('list');
  const env = productionEnv(dbUrl);
  const ctx = await serviceContext(configOf(env));
  let prepared: Prepared;
  if (reuse) {
    step('reusing moderato_bench_list (BENCH_REUSE=1)');
    prepared = JSON.parse(readFileSync(META, 'utf8')) as Prepared;
  } else {
    step('preparing moderato_bench_list');
    prepared = await prepare(ctx);
    writeFileSync(META, JSON.stringify(prepared));
  }
  const dataSource = ctx.get(DataSource);
  const [counts] = await dataSource.query(
    `SELECT (SELECT count(*) FROM meetings)::int AS meetings, (SELECT count(*) FROM invitations)::int AS invitations,
            (SELECT count(*) FROM audit_events)::int AS audit_events, (SELECT count(*) FROM users)::int AS users`,
  );
  step(`data: ${JSON.stringify(counts)}`);

  step('EXPLAIN ANALYZE of the queries behind each page');
  const plans = await explainAll(ctx, prepared);
  await ctx.close();

  step('starting the built api (NODE_ENV=production)');
  const api = await startBuilt('api', env);
  const results: (LoadResult & { path: string })[] = [];
  let sampleJoin: string | undefined;
  try {
    // The bulk-made invitation of the meeting open now, opened by its student: into the room.
    sampleJoin = await joinProof(api.url, dbUrl, prepared);
    const targets: [string, string, string][] = [
      ['My meetings', '/meetings', prepared.teacherToken],
      ['My meetings (API)', '/api/v1/meetings', prepared.teacherToken],
      ['Meeting page, 2,000 invitees', `/meetings/${prepared.bigMeetingId}`, prepared.teacherToken],
      ['Invitations of the meeting (API)', `/api/v1/meetings/${prepared.bigMeetingId}/invitations`, prepared.teacherToken],
      ['My invitations', '/invitations', prepared.studentToken],
      ['Audit log by actor', `/admin/audit?actor=${encodeURIComponent(prepared.actorFilter)}`, prepared.adminToken],
      ['Audit log by actor (API)', `/api/v1/admin/audit?actor=${encodeURIComponent(prepared.actorFilter)}`, prepared.adminToken],
    ];
    for (const [name, path, token] of targets) {
      const cookie = sessionCookie(token);
      const run = (requests: number) =>
        runLoad({
          name,
          url: api.url,
          connections: CONNECTIONS,
          amount: requests,
          next: () => ({ path, headers: { cookie, accept: path.startsWith('/api/') ? 'application/json' : 'text/html' } }),
          check: (status) => (status === 200 ? null : `${path} answered ${status}`),
        });
      await run(20);
      results.push({ ...(await run(REQUESTS)), path });
    }
  } finally {
    await api.stop();
  }

  const table = results.map((r) => ({
    page: r.name,
    requests: r.requests,
    'p50 ms': r.p50Ms,
    'p95 ms': r.p95Ms,
    'p99 ms': r.p99Ms,
    errors: r.errors,
    load: r.loadAfter.join(' '),
  }));
  const text = printTable(
    `Dashboards: ${counts.meetings} meetings, ${counts.invitations} invitations, ${counts.audit_events} audit events; ${REQUESTS} requests per page, ${CONNECTIONS} connection(s)`,
    table,
  );
  const explainTable = Object.entries(plans).flatMap(([page, list]) => list.map((p, i) => ({ page: i ? '' : page, query: i + 1, plan: planSummary(p.plan) })));
  const explainText = printTable('EXPLAIN ANALYZE (indexes used; sequential scans of large tables; execution time)', explainTable);
  console.log(`\njoin through a bulk-made invitation: ${sampleJoin}`);
  const targets = { p95Under100Ms: results.every((r) => r.p95Ms <= 100), noErrors: results.every((r) => r.errors === 0) };
  console.log('targets (each page p95 ≤ 100 ms, 0 errors):', targets);
  writeResults('list', {
    benchmark: 'list',
    startedAt,
    machine: await machine(),
    parameters: { requestsPerPage: REQUESTS, connections: CONNECTIONS, teachers: TEACHERS, students: STUDENTS },
    data: counts,
    results,
    sampleJoin,
    explain: plans,
    targets,
    table: text,
    explainTable: explainText,
  });
  if (!targets.noErrors) process.exitCode = 1;
}

/** Opens the sample bulk invitation's link as its student; must redirect into the Jitsi room. */
async function joinProof(url: string, dbUrl: string, prepared: Prepared): Promise<string> {
  const check = new DataSource({ type: 'postgres', url: dbUrl });
  await check.initialize();
  try {
    const [row] = await check.query('SELECT id, link_code_salt AS salt FROM invitations WHERE id = $1', [prepared.sample.invitationId]);
    const code = new LinkCodesLite().fromRow(row);
    const res = await fetch(`${url}/j/${code}`, { redirect: 'manual', headers: { cookie: sessionCookie(prepared.sample.studentToken) } });
    const location = res.headers.get('location') ?? '';
    const [after] = await check.query('SELECT join_count, bound_user_id IS NOT NULL AS bound FROM invitations WHERE id = $1', [prepared.sample.invitationId]);
    const ok = res.status === 302 && location.includes('?jwt=') && after.join_count >= 1 && after.bound;
    if (!ok) throw new Error(`the bulk-made invitation did not work through /j/: ${res.status} ${location.slice(0, 60)}`);
    return `302 → ${location.split('?')[0]} (join_count ${after.join_count}, bound)`;
  } finally {
    await check.destroy();
  }
}

/** LinkCodes with the bench SECRETS_KEY, outside Nest. */
class LinkCodesLite {
  private readonly codes = new LinkCodes(configOf(productionEnv('postgres://unused@127.0.0.1/unused')));
  fromRow(row: { id: string; salt: string }): string {
    return this.codes.codeFor({ id: row.id, linkCodeSalt: row.salt });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
