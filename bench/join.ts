/**
 * Join storm: 2,000 signed-in invitees open their personal links at once, 100 connections,
 * against the built api in production mode; the same load on GET /healthz in the same run
 * against the same process; once for a meeting on an HS256 server, once on an RS256 server.
 *
 *   npm run bench:join        (BENCH_PASSES=5: each invitee opens the link 5 times)
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DataSource } from 'typeorm';
import { LinkCodes, SchedulingService, type Invitation, type Meeting } from '@moderato/meetings';
import {
  configOf,
  freshDatabase,
  machine,
  printTable,
  productionEnv,
  round,
  serviceContext,
  sessionCookie,
  startBuilt,
  step,
  writeResults,
} from './lib/harness';
import { runLoad, type LoadResult } from './lib/load';
import { benchServers, signIn, studentsWithSessions } from './lib/people';

const INVITEES = Number(process.env.BENCH_INVITEES ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const PASSES = Number(process.env.BENCH_PASSES ?? 5);

async function main(): Promise<void> {
  const startedAt = new Date();
  step(`preparing moderato_bench_join: ${INVITEES} students with sessions, an HS256 and an RS256 meeting`);
  const dbUrl = await freshDatabase('join');
  const env = productionEnv(dbUrl);
  const config = configOf(env);
  const ctx = await serviceContext(config);
  const { hs256, rs256 } = await benchServers(ctx);
  const organizer = await signIn(ctx, { subject: 'teacher-1', email: 'teacher1@school.test', name: 'Teacher One', roles: ['teachers'] });
  const students = await studentsWithSessions(ctx, INVITEES);
  const meetings = ctx.get(SchedulingService);
  const linkCodes = ctx.get(LinkCodes);
  const caller = { user: organizer, roles: ['organizer'], ip: '127.0.0.1' };
  const startsAt = new Date(Date.now() + 5 * 60_000);
  const endsAt = new Date(startsAt.getTime() + 3 * 3600_000);
  const links: Record<'HS256' | 'RS256', { meeting: Meeting; targets: { path: string; cookie: string }[] }> = {} as never;
  for (const [alg, server] of [
    ['HS256', hs256],
    ['RS256', rs256],
  ] as const) {
    const created = await meetings.create(caller, {
      title: `Assembly ${alg}`,
      serverId: server.id,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      timezone: 'Europe/Berlin',
      invitees: students.map(({ user }) => ({ email: user.email, name: user.displayName, role: 'participant' as const })),
    });
    const byEmail = new Map(created.invitations.map((invitation: Invitation) => [invitation.email, invitation]));
    links[alg] = {
      meeting: created.meeting,
      targets: students.map(({ user, token }) => ({ path: `/j/${linkCodes.codeFor(byEmail.get(user.email)!)}`, cookie: sessionCookie(token) })),
    };
  }
  const dataSource = ctx.get(DataSource);
  await dataSource.query('VACUUM ANALYZE');
  await ctx.close();

  step('starting the built api (NODE_ENV=production)');
  const api = await startBuilt('api', env);
  const amount = INVITEES * PASSES;
  const results: LoadResult[] = [];
  const samples: Record<string, string> = {};
  try {
    const healthz = (name: string, requests: number) =>
      runLoad({
        name,
        url: api.url,
        serverPid: api.pid,
        connections: CONNECTIONS,
        amount: requests,
        next: () => ({ path: '/healthz' }),
        check: (status) => (status === 200 ? null : `healthz answered ${status}`),
      });
    const join = (alg: 'HS256' | 'RS256', requests: number) => {
      const { meeting, targets } = links[alg];
      const server = alg === 'HS256' ? hs256 : rs256;
      const prefix = `${server.baseUrl}/${meeting.roomName}?jwt=`;
      let i = 0;
      return runLoad({
        name: `join ${alg}`,
        url: api.url,
        serverPid: api.pid,
        connections: CONNECTIONS,
        amount: requests,
        next: () => {
          const target = targets[i++ % targets.length];
          return { path: target.path, headers: { cookie: target.cookie } };
        },
        check: (status, headers) => {
          const location = String(headers.location ?? '');
          if (status === 302 && location.startsWith(prefix)) {
            samples[alg] ??= location;
            return null;
          }
          return `${status} ${location.slice(0, 80)}`;
        },
      });
    };
    step('warm-up (not measured)');
    await healthz('warm-up healthz', 1000);
    await join('HS256', 500);
    await join('RS256', 500);
    step(`measuring: ${amount} requests each, ${CONNECTIONS} connections`);
    results.push(await healthz('healthz', amount));
    results.push(await join('HS256', amount));
    results.push(await join('RS256', amount));
    results.push(await healthz('healthz (again)', amount));
  } finally {
    await api.stop();
  }

  // Every invitee got in, through the real path: bound to them, counted, a token per join.
  step('checking the database');
  const check = new DataSource({ type: 'postgres', url: dbUrl });
  await check.initialize();
  const verification: Record<string, unknown> = {};
  for (const alg of ['HS256', 'RS256'] as const) {
    const [row] = await check.query(
      `SELECT count(*)::int AS invitations, count(*) FILTER (WHERE i.join_count >= 1 AND i.bound_user_id = u.id)::int AS joined_by_invitee, sum(i.join_count)::int AS joins
         FROM invitations i JOIN users u ON u.email = i.email WHERE i.meeting_id = $1`,
      [links[alg].meeting.id],
    );
    const [audit] = await check.query(`SELECT count(*)::int AS tokens FROM audit_events WHERE action = 'token.issued' AND subject_id = $1`, [
      links[alg].meeting.id,
    ]);
    const token = samples[alg]?.split('jwt=')[1]?.split('#')[0];
    verification[alg] = {
      ...row,
      tokensIssued: audit.tokens,
      tokenHeader: token ? decodeProtectedHeader(token) : null,
      tokenRoom: token ? decodeJwt(token).room : null,
    };
  }
  await check.destroy();

  const [health1, hs, rs, health2] = results;
  const healthzRps = (health1.requestsPerSecond + health2.requestsPerSecond) / 2;
  const table = results.map((r) => ({
    run: r.name,
    requests: r.requests,
    'req/s': r.requestsPerSecond,
    'p50 ms': r.p50Ms,
    'p95 ms': r.p95Ms,
    'p99 ms': r.p99Ms,
    'max ms': r.maxMs,
    errors: r.errors,
    'api CPU ms/req': r.serverCpuMsPerRequest ?? '',
    'PG CPU ms/req': r.postgresCpuMsPerRequest,
    'ratio to healthz': r.name.startsWith('join') ? round(r.requestsPerSecond / healthzRps, 2) : '',
    load: r.loadAfter.join(' '),
  }));
  const text = printTable(
    `Join storm: ${INVITEES} signed-in invitees × ${PASSES}, ${CONNECTIONS} connections (healthz ratio against the mean of both healthz runs)`,
    table,
  );
  console.log('\nverification', JSON.stringify(verification, null, 2));
  const targets = { hs256P99Ms: hs.p99Ms <= 100, hs256Ratio: hs.requestsPerSecond / healthzRps >= 0.4, noErrors: results.every((r) => r.errors === 0) };
  console.log('targets (HS256 p99 ≤ 100 ms, ratio ≥ 0.4, 0 errors):', targets);
  writeResults('join', {
    benchmark: 'join',
    startedAt,
    machine: await machine(),
    parameters: { invitees: INVITEES, passes: PASSES, connections: CONNECTIONS, requestsPerRun: amount },
    results,
    ratios: { HS256: round(hs.requestsPerSecond / healthzRps, 3), RS256: round(rs.requestsPerSecond / healthzRps, 3), healthzRps },
    verification,
    targets,
    table: text,
  });
  if (!targets.noErrors) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
