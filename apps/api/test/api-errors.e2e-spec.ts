import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { IsEmail, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import request from 'supertest';
import { ConflictError, NotFoundError, Public } from '@moderato/core';
import { startApi, type RunningApi } from './api-app';

class CreateThingDto {
  @IsString()
  @MinLength(3)
  title: string;

  @IsEmail()
  email: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count: number;
}

/** A stand-in REST resource that throws what real ones will. */
@Public()
@Controller('api/v1/things')
class ThingsController {
  @Post()
  create(@Body() dto: CreateThingDto) {
    return { created: dto };
  }

  @Get('missing/:id')
  missing(@Param('id') id: string): never {
    throw new NotFoundError('Meeting', { id });
  }

  @Get('stale')
  stale(): never {
    throw new ConflictError('MEETING_VERSION_CONFLICT', 'Someone changed this meeting', { expected: 3, actual: 4 });
  }

  @Get('crash')
  crash(): never {
    throw new TypeError("Cannot read properties of undefined (reading 'secretEncrypted')");
  }
}

// One booted api for the whole file: nestjs-pino keeps its root logger process-wide.
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ extraControllers: [ThingsController] });
});
afterAll(async () => {
  await api?.close();
});

describe('REST errors are JSON problems', () => {
  it('an invalid body is a 400 with a message per field, and unknown fields are refused', async () => {
    const res = await request(api.server)
      .post('/api/v1/things')
      .set('Authorization', 'Bearer test-token') // bearer requests need no CSRF token
      .send({ title: 'x', email: 'not-an-email', count: 99, admin: true })
      .expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = Object.fromEntries(res.body.details.map((d: { field: string; messages: string[] }) => [d.field, d.messages]));
    expect(fields.title).toEqual(['title must be longer than or equal to 3 characters']);
    expect(fields.email).toEqual(['email must be an email']);
    expect(fields.count).toEqual(['count must not be greater than 10']);
    expect(fields.admin).toEqual(['property admin should not exist']);
  });

  it('a valid body passes, converted to the DTO', async () => {
    const res = await request(api.server)
      .post('/api/v1/things')
      .set('Authorization', 'Bearer test-token')
      .send({ title: 'Maths', email: 'a@school.test', count: 2 })
      .expect(201);
    expect(res.body).toEqual({ created: { title: 'Maths', email: 'a@school.test', count: 2 } });
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const res = await request(api.server)
      .post('/api/v1/things')
      .set('Authorization', 'Bearer test-token')
      .set('Content-Type', 'application/json')
      .send('{"title": ')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
  });

  it('domain errors keep their code: 404 and 409', async () => {
    const missing = await request(api.server).get('/api/v1/things/missing/42').expect(404);
    expect(missing.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Meeting not found', details: { id: '42' } });
    const stale = await request(api.server).get('/api/v1/things/stale').expect(409);
    expect(stale.body).toMatchObject({ code: 'MEETING_VERSION_CONFLICT', details: { expected: 3, actual: 4 } });
  });

  it('an unknown API path is a JSON 404, not an HTML page', async () => {
    const res = await request(api.server).get('/api/v1/nothing-here').set('Accept', 'text/html').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('an unexpected error is a 500 with an error id that is in the log; the cause is not sent', async () => {
    const res = await request(api.server).get('/api/v1/things/crash').expect(500);
    expect(res.body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(JSON.stringify(res.body)).not.toContain('secretEncrypted');
    expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = api.logs.records().find((record) => record.errorId === res.body.errorId);
    expect(JSON.stringify(logged)).toContain('secretEncrypted');
  });
});

describe('logs', () => {
  it('are JSON lines carrying the request id, which the response echoes', async () => {
    const res = await request(api.server).get('/?page=1').set('x-request-id', 'req-test-0001').expect(200);
    expect(res.headers['x-request-id']).toBe('req-test-0001');
    const line = api.logs.records().find((record) => (record.req as { id?: string } | undefined)?.id === 'req-test-0001');
    expect(line).toMatchObject({ msg: 'request completed', res: { statusCode: 200 } });
  });

  it('make up a request id when the client sends none (or a bad one)', async () => {
    const res = await request(api.server).get('/').set('x-request-id', 'bad id with spaces').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never contain cookies, authorization headers, CSRF tokens, jwt/code query values or link codes', async () => {
    const secrets = [
      's3cret-cookie-value',
      'Bearer very-secret-api-token',
      'csrf-value-xyz',
      'eyJhbGciOiJIUzI1NiJ9.jwt-body.sig',
      'oidc-code-123',
      'PersonalLinkCode987',
    ];
    await request(api.server)
      .get(`/some/page?jwt=${secrets[3]}&code=${secrets[4]}`)
      .set('Cookie', `moderato_session=${secrets[0]}`)
      .set('Authorization', secrets[1])
      .set('x-csrf-token', secrets[2]);
    await request(api.server).get(`/j/${secrets[5]}`);
    const text = api.logs.text();
    expect(text).toContain('/some/page?jwt=[REDACTED]&code=[REDACTED]');
    expect(text).toContain('/j/[REDACTED]');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
