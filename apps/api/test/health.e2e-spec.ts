import request from 'supertest';
import { startApi, type RunningApi } from './api-app';

describe('liveness and readiness', () => {
  describe('with PostgreSQL and Redis up', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApi();
    });
    afterAll(async () => {
      await api?.close();
    });

    it('GET /healthz → 200', async () => {
      const res = await request(api.server).get('/healthz').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('GET /readyz → 200 with both checks up', async () => {
      const res = await request(api.server).get('/readyz').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.info.database.status).toBe('up');
      expect(res.body.info.redis.status).toBe('up');
    });

    it('GET /readyz → 503 naming the database once PostgreSQL loses it', async () => {
      // A real fault: the api's database disappears under it.
      await api.db.drop();
      const res = await request(api.server).get('/readyz').expect(503);
      expect(res.body.message).toBe('Not ready: database');
      expect(res.body.details.error.database.status).toBe('down');
      expect(res.body.details.info.redis.status).toBe('up');
    });
  });

  describe('with Redis unreachable', () => {
    let api: RunningApi;
    beforeAll(async () => {
      // Nothing listens on port 1: every connection attempt is refused, as with Redis stopped.
      api = await startApi({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    });
    afterAll(async () => {
      await api?.close();
    });

    it('GET /healthz still → 200 (the process is alive)', async () => {
      await request(api.server).get('/healthz').expect(200);
    });

    it('GET /readyz → 503 naming redis, and only redis', async () => {
      const res = await request(api.server).get('/readyz').expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'NOT_READY', message: 'Not ready: redis' });
      expect(res.body.details.error.redis.status).toBe('down');
      expect(res.body.details.error.redis.message).toMatch(/Redis is not reachable/);
      expect(res.body.details.info.database.status).toBe('up');
    });
  });
});
