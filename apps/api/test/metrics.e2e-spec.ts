import request from 'supertest';
import { MODERATO_VERSION } from '@moderato/metrics';
import { testRedisUrl, until, type SmtpSink } from '@moderato/testing';
// Mail is sent by the real worker, as in production; eslint-disable as in full-stack.e2e-spec.ts.
import { startApi } from './api-app';
import { type SignedInApi } from './signed-in';
import { startMailStack, type MailStack } from './mail-stack';

// Redis database 15 belongs to this file: its worker must not take other files' jobs.
const redisUrl = testRedisUrl(15);
const TOKEN = 'metrics-test-token-0123456789abcdef0123';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** One sample of the Prometheus text: the value of `name` whose labels include `labels` (summed), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => own[key] === value)) total += Number(match[3]);
  }
  return total;
}

/** api + worker + dev IdP + SMTP sink: the series move when people join, are refused and get mail. */
describe('GET /metrics', () => {
  let stack: MailStack;
  let env: SignedInApi;
  let sink: SmtpSink;
  const scrape = async () => (await request(env.api.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;

  beforeAll(async () => {
    stack = await startMailStack(15, { METRICS_TOKEN: TOKEN });
    ({ env, sink } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('is refused without the token (401), with a wrong one (401), and does not exist without METRICS_TOKEN (404)', async () => {
    const anonymous = await request(env.api.server).get('/metrics').expect(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(anonymous.text).not.toContain('moderato_');
    await request(env.api.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    await request(env.api.server).get('/metrics').set('Authorization', TOKEN).expect(401);
    // A signed-in admin's session is not the scraper's token either.
    const admin = await env.signIn('admin@school.test');
    await admin.get('/metrics').expect(401);

    const without = await startApi({ env: { REDIS_URL: redisUrl } });
    try {
      await request(without.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).set('Accept', 'application/json').expect(404);
    } finally {
      await without.close();
    }
  });

  it('counts a join by affiliation, a refused join by reason, mails sent and failed, sign-ins and request durations by route; shows the worker alive', async () => {
    const before = await scrape();
    expect(sample(before, 'moderato_build_info', { version: MODERATO_VERSION })).toBe(1);
    expect(before).toContain('# TYPE moderato_http_request_duration_seconds histogram');

    sink.refuseRecipients((address) => (address === 'nobody@school.test' ? { code: 550, message: 'No such user' } : undefined));
    const teacher = await env.signIn('teacher@school.test');
    const start = new Date(Date.now() + 5 * 60_000);
    const { body: meeting } = await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Maths 7b',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test' }, { email: 'nobody@school.test' }],
      })
      .expect(201);
    const [invitation] = await sink.waitFor(1, 15_000);
    const code = /http:\/\/localhost:3000\/j\/([A-Za-z0-9_-]+)/.exec(invitation.text ?? '')![1];

    const student = await env.signIn('student@school.test');
    await student.get(`/j/${code}`).expect(302);
    const student2 = await env.signIn('student2@school.test');
    await student2.get(`/j/${code}`).expect(403);

    // The worker marks the rows (sent; failed for the 550) after the SMTP answer: wait for it.
    const after = await until(async () => {
      const text = await scrape();
      const settled = sample(text, 'moderato_mail_messages', { status: 'sent' }) >= sample(before, 'moderato_mail_messages', { status: 'sent' }) + 1;
      return settled && sample(text, 'moderato_mail_messages', { status: 'failed' }) >= 1 && text;
    }, 'the invitation sent and the refused one failed');
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);

    expect(moved('moderato_joins_total', { affiliation: 'member', path: 'link' })).toBe(1);
    expect(moved('moderato_joins_total', { affiliation: 'owner' })).toBe(0);
    // student's link, bound to student once used: student2 is refused as someone else.
    expect(moved('moderato_joins_refused_total', { reason: 'identity_bound' })).toBe(1);
    expect(moved('moderato_mail_messages', { status: 'sent' })).toBe(1);
    expect(moved('moderato_mail_messages', { status: 'failed' })).toBe(1);
    expect(sample(after, 'moderato_outbox_backlog')).toBe(0);
    expect(sample(after, 'moderato_outbox_oldest_pending_seconds')).toBe(0);
    expect(moved('moderato_sign_ins_total', { method: 'oidc', result: 'success' })).toBe(3);
    // The personal link is timed under its pattern; its code appears nowhere.
    expect(moved('moderato_http_request_duration_seconds_count', { method: 'GET', route: '/j/:code', status: '302' })).toBe(1);
    expect(moved('moderato_http_request_duration_seconds_count', { method: 'GET', route: '/j/:code', status: '403' })).toBe(1);
    expect(moved('moderato_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/meetings', status: '201' })).toBe(1);
    expect(after).not.toContain(code);
    expect(after).not.toContain(meeting.id);
    // The worker's heartbeat (every 5 s while it can work).
    const workers = await until(async () => {
      const text = await scrape();
      return sample(text, 'moderato_workers_live') >= 1 && text;
    }, 'a live worker');
    expect(sample(workers, 'moderato_worker_heartbeat_age_seconds')).toBeLessThan(30);
  }, 60_000);
});
