import request from 'supertest';
import { startApi, type RunningApi } from './api-app';

describe('rate limits on /j/* and /auth/*', () => {
  let api: RunningApi;
  beforeAll(async () => {
    // TRUST_PROXY lets the last test come from many client addresses (X-Forwarded-For).
    api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'true' } });
    // Stay inside one fixed one-minute window.
    if (Date.now() % 60_000 > 50_000) await new Promise((resolve) => setTimeout(resolve, 61_000 - (Date.now() % 60_000)));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 429 with Retry-After once a client guesses too many codes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await request(api.server).get(`/j/guess${i}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`).set('Accept-Language', 'en');
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.text).toContain('Too many attempts');
      }
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
  });

  it('limits the login routes separately, and not the rest of the site', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await request(api.server).get('/auth/callback?state=x&code=y').set('Accept', 'application/json')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const res = await request(api.server).get('/auth/callback').set('Accept', 'application/json').expect(429);
    expect(res.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    await request(api.server).get('/').expect(200);
  });

  it('limits each personal link on its own as well (many clients, one code)', async () => {
    const code = 'SameCodeFromManyPlacesAAAAAAAAAAAAAAAAAAAAA';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await request(api.server).get(`/j/${code}`).set('X-Forwarded-For', `10.0.0.${i}`)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]); // each address asked only once
  });
});
