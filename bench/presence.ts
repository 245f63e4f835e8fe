/**
 * Presence events during a join storm: 2,000 occupants join (and then leave) a meeting's room,
 * their events posted as Jitsi's event_sync component posts them (full JID, whole seconds,
 * Prosody's User-Agent, the bearer secret), while the join storm of bench/join.ts runs against
 * the same built api (production mode). First the join storm alone, then the same storm with the
 * events; every event must be recorded (2,000 closed intervals, none lost).
 *
 *   npm run bench:presence    (BENCH_PASSES=2, BENCH_EVENT_CONCURRENCY=20, BENCH_EVENT_RATE=0: flat out)
 *   BENCH_EVENT_RATE=33 npm run bench:presence    (the rate of 2,000 joins in a minute)
 *
 * While the events are being posted, the join storm runs again and again (each run measured);
 * the row "join storm + presence events" sums those runs.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JitsiEventsSecrets } from '@moderato/jitsi';
import { LinkCodes, SchedulingService, type Invitation } from '@moderato/meetings';
import {
  configOf,
  freshDatabase,
  inParallel,
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
const OCCUPANTS = Number(process.env.BENCH_OCCUPANTS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const PASSES = Number(process.env.BENCH_PASSES ?? 2);
const EVENT_CONCURRENCY = Number(process.env.BENCH_EVENT_CONCURRENCY ?? 20);
/** Events per second (0: as fast as the api answers). 2,000 joins in a minute is about 33/s. */
const EVENT_RATE = Number(process.env.BENCH_EVENT_RATE ?? 0);

async function main(): Promise<void> {
  const startedAt = new Date();
  step(`preparing moderato_bench_presence: ${INVITEES} students with sessions, a meeting, an events secret`);
  const dbUrl = await freshDatabase('presence');
  const env = productionEnv(dbUrl);
  const ctx = await serviceContext(configOf(env));
  const { hs256 } = await benchServers(ctx);
  const { secret } = await ctx.get(JitsiEventsSecrets).rotate(hs256.id, { id: null, label: 'bench' });
  const organizer = await signIn(ctx, { subject: 'teacher-1', email: 'teacher1@school.test', name: 'Teacher One', roles: ['teachers'] });
  const students = await studentsWithSessions(ctx, INVITEES);
  const startsAt = new Date(Date.now() + 5 * 60_000);
  const { meeting, invitations } = await ctx.get(SchedulingService).create(
    { user: organizer, roles: ['organizer'], ip: '127.0.0.1' },
    {
      title: 'Assembly',
      serverId: hs256.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3600_000).toISOString(),
      timezone: 'Europe/Berlin',
      invitees: students.map(({ user }) => ({ email: user.email, name: user.displayName, role: 'participant' as const })),
    },
  );
  const codes = ctx.get(LinkCodes);
  const byEmail = new Map(invitations.map((invitation: Invitation) => [invitation.email, invitation]));
  const targets = students.map(({ user, token }) => ({ path: `/j/${codes.codeFor(byEmail.get(user.email)!)}`, cookie: sessionCookie(token) }));
  await ctx.get(DataSource).query('VACUUM ANALYZE');
  await ctx.close();

  step('starting the built api (NODE_ENV=production)');
  const api = await startBuilt('api', env);
  const prefix = `${hs256.baseUrl}/${meeting.roomName}?jwt=`;
  const storm = (name: string, requests: number) => {
    let i = 0;
    return runLoad({
      name,
      url: api.url,
      serverPid: api.pid,
      connections: CONNECTIONS,
      amount: requests,
      next: () => {
        const target = targets[i++ % targets.length];
        return { path: target.path, headers: { cookie: target.cookie } };
      },
      check: (status, headers) => (status === 302 && String(headers.location ?? '').startsWith(prefix) ? null : `${status}`),
    });
  };
  // One occupant per student: joined, then left, as the component posts them.
  const occupants = students.slice(0, OCCUPANTS).map(({ user }) => ({ jid: `${randomUUID()}@meet.jitsi/${randomUUID().slice(0, 8)}`, user }));
  const baseSecond = Math.floor(Date.now() / 1000);
  const roomFields = { room_name: meeting.roomName, room_jid: `${meeting.roomName}@muc.meet.jitsi`, is_breakout: false };
  const failures: string[] = [];
  const post = async (path: string, body: string) => {
    const res = await fetch(`${api.url}/jitsi/${hs256.id}/events/${path}`, {
      method: 'POST',
      headers: { 'User-Agent': 'Prosody (0.12.4; posix)', 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body,
    });
    await res.arrayBuffer();
    if (res.status !== 204) failures.push(`${path} ${res.status}`);
  };
  const latencies: number[] = [];
  let sequence = 0;
  let eventsStart = 0;
  const timed = async (path: string, body: string) => {
    if (EVENT_RATE > 0) {
      const due = eventsStart + (sequence++ / EVENT_RATE) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const t0 = performance.now();
    await post(path, body);
    latencies.push(performance.now() - t0);
  };
  const events = async () => {
    const t0 = performance.now();
    eventsStart = t0;
    await timed('room/created', JSON.stringify({ event_name: 'muc-room-created', created_at: baseSecond, ...roomFields }));
    await inParallel(occupants, EVENT_CONCURRENCY, (o, i) =>
      timed(
        'occupant/joined',
        JSON.stringify({
          occupant: { name: o.user.displayName, email: o.user.email, id: o.user.id, occupant_jid: o.jid, joined_at: baseSecond + Math.floor(i / 40) },
          active_occupants_count: i + 1,
          event_name: 'muc-occupant-joined',
          ...roomFields,
        }),
      ),
    );
    await inParallel(occupants, EVENT_CONCURRENCY, (o, i) =>
      timed(
        'occupant/left',
        JSON.stringify({
          event_name: 'muc-occupant-left',
          ...roomFields,
          active_occupants_count: OCCUPANTS - i - 1,
          occupant: {
            name: o.user.displayName,
            email: o.user.email,
            id: o.user.id,
            occupant_jid: o.jid,
            joined_at: baseSecond + Math.floor(i / 40),
            left_at: baseSecond + 3600,
          },
        }),
      ),
    );
    return (performance.now() - t0) / 1000;
  };

  const results: LoadResult[] = [];
  let eventSeconds: number;
  try {
    step('warm-up (not measured)');
    await storm('warm-up', 500);
    step(`join storm alone: ${INVITEES * PASSES} requests, ${CONNECTIONS} connections`);
    results.push(await storm('join storm alone', INVITEES * PASSES));
    step(
      `join storm with ${OCCUPANTS} occupants joining and leaving (${2 * OCCUPANTS + 1} events, ${EVENT_CONCURRENCY} at a time, ${EVENT_RATE ? `${EVENT_RATE}/s` : 'flat out'})`,
    );
    let posting = true;
    const posted = events().finally(() => {
      posting = false;
    });
    const during: LoadResult[] = [];
    do during.push(await storm('join storm + presence events', INVITEES * PASSES));
    while (posting);
    eventSeconds = await posted;
    const seconds = during.reduce((sum, r) => sum + r.seconds, 0);
    const requests = during.reduce((sum, r) => sum + r.requests, 0);
    results.push({
      ...during[0],
      name: `join storm + presence events (${during.length} run${during.length === 1 ? '' : 's'})`,
      requests,
      seconds,
      requestsPerSecond: round(requests / seconds, 0),
      p50Ms: Math.max(...during.map((r) => r.p50Ms)),
      p95Ms: Math.max(...during.map((r) => r.p95Ms)),
      p99Ms: Math.max(...during.map((r) => r.p99Ms)),
      maxMs: Math.max(...during.map((r) => r.maxMs)),
      errors: during.reduce((sum, r) => sum + r.errors, 0),
      loadAfter: during[during.length - 1].loadAfter,
    });
    results.push(await storm('join storm alone (again)', INVITEES * PASSES));
  } finally {
    await api.stop();
  }

  step('checking the database');
  const check = new DataSource({ type: 'postgres', url: dbUrl });
  await check.initialize();
  const [row] = await check.query(
    `SELECT count(*)::int AS intervals, count(*) FILTER (WHERE left_by = 'left')::int AS closed, count(DISTINCT user_id)::int AS people
       FROM presence_intervals WHERE server_id = $1 AND room_name = $2`,
    [hs256.id, meeting.roomName],
  );
  await check.destroy();

  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0, 1);
  const eventStats = {
    events: latencies.length,
    seconds: round(eventSeconds, 2),
    eventsPerSecond: round(latencies.length / eventSeconds, 0),
    p50Ms: pct(50),
    p99Ms: pct(99),
    failures: failures.length,
  };
  const [alone, during, again] = results;
  const baseline = (alone.requestsPerSecond + again.requestsPerSecond) / 2;
  const table = results.map((r) => ({
    run: r.name,
    requests: r.requests,
    'req/s': r.requestsPerSecond,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    errors: r.errors,
    'vs alone': r === during ? `${round(((r.requestsPerSecond - baseline) / baseline) * 100, 1)} %` : '',
    load: r.loadAfter.join(' '),
  }));
  const text = printTable(`Presence events during a join storm: ${INVITEES} invitees × ${PASSES}, ${CONNECTIONS} connections`, table);
  console.log('presence events', eventStats);
  console.log('recorded', row);
  const goals = {
    noLoss: row.intervals === OCCUPANTS && row.closed === OCCUPANTS && failures.length === 0,
    withinAMinute: EVENT_RATE > 0 || eventSeconds < 60,
    noStormErrors: results.every((r) => r.errors === 0),
  };
  console.log('goals:', goals);
  writeResults(EVENT_RATE ? `presence-${EVENT_RATE}-per-s` : 'presence', {
    benchmark: 'presence',
    startedAt,
    machine: await machine(),
    parameters: {
      invitees: INVITEES,
      occupants: OCCUPANTS,
      passes: PASSES,
      connections: CONNECTIONS,
      eventConcurrency: EVENT_CONCURRENCY,
      eventRate: EVENT_RATE,
    },
    results,
    events: eventStats,
    recorded: row,
    stormChangePercent: round(((during.requestsPerSecond - baseline) / baseline) * 100, 1),
    goals,
    table: text,
  });
  if (!goals.noLoss || !goals.noStormErrors) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
