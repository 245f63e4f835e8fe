import { Controller, Get } from '@nestjs/common';
import { Public } from '@moderato/core';
import request from 'supertest';
import { until } from '@moderato/testing';
import { csrfTokenOf, startApi, type RunningApi } from './api-app';

@Public()
@Controller('test-only')
class ExplodingController {
  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2'); // must never reach the browser
  }
}

/** An error on a personal link's path: the log line names the path, never the code. */
@Public()
@Controller('j')
class ExplodingLinkController {
  @Get(':code/explode')
  explode(): never {
    throw new Error('exploded on a link');
  }
}

describe('page shell (booted api, real PostgreSQL and Redis)', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ extraControllers: [ExplodingController, ExplodingLinkController] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('renders the start page with header, sign-in link, language switch and CSRF meta tag', async () => {
    const res = await request(api.server).get('/').set('Accept-Language', 'en').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<title>Welcome · Moderato</title>');
    expect(res.text).toContain('href="/auth/login?returnTo=%2F"');
    expect(res.text).toMatch(/<select id="language-select" name="locale">/);
    expect(csrfTokenOf(res.text)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('speaks German when the browser prefers it', async () => {
    const res = await request(api.server).get('/').set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.5').expect(200);
    expect(res.text).toContain('<html lang="de">');
    expect(res.text).toContain('Willkommen');
    expect(res.text).toContain('Anmelden');
    expect(res.headers['content-language']).toBe('de');
  });

  it('serves the stylesheet', async () => {
    const res = await request(api.server).get('/static/style.css').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/css/);
    expect(res.text).toContain('.site-header');
  });

  it('sends security headers with a CSP that allows only its own scripts and styles', async () => {
    const res = await request(api.server).get('/').expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['set-cookie']?.[0]).toMatch(/moderato_csrf=.*HttpOnly.*SameSite=Lax/);
  });

  describe('error pages', () => {
    it.each([
      ['en', 'Page not found', 'There is nothing at this address'],
      ['de', 'Seite nicht gefunden', 'Unter dieser Adresse gibt es nichts'],
    ])('404 in %s', async (lang, title, body) => {
      const res = await request(api.server).get('/no/such/page').set('Accept-Language', lang).expect(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain(`<h1 id="error-title">${title}</h1>`);
      expect(res.text).toContain(body);
      expect(res.text).toContain(`<html lang="${lang}">`);
    });

    it.each([
      ['en', 'Something went wrong on our side', 'Reference'],
      ['de', 'Bei uns ist etwas schiefgegangen', 'Kennung'],
    ])('500 in %s shows an error id that is also in the log, and no internals', async (lang, title, reference) => {
      const res = await request(api.server).get('/test-only/boom').set('Accept-Language', lang).expect(500);
      expect(res.text).toContain(title);
      expect(res.text).toContain(reference);
      expect(res.text).not.toContain('hunter2');
      const errorId = /<code class="error-id">([0-9a-f-]{36})<\/code>/.exec(res.text)?.[1];
      expect(errorId).toBeDefined();
      const logged = api.logs.records().find((record) => record.errorId === errorId);
      expect(logged).toBeDefined();
      expect(JSON.stringify(logged)).toContain('hunter2'); // the stack is in the log for the operator
      expect(logged?.req).toBeDefined(); // with the request (and its id) it happened in
    });
  });

  it('logs neither the personal link code of the path nor the code or CSRF token in Referer', async () => {
    const res = await request(api.server)
      .get('/j/PathCodeAbCdEfGh1234/explode')
      .set('Referer', 'http://localhost:3000/j/RefererCodeAbCd5678?_csrf=RefererCsrfToken9')
      .expect(500);
    const errorId = /<code class="error-id">([0-9a-f-]{36})<\/code>/.exec(res.text)?.[1];
    const logged = api.logs.records().find((record) => record.errorId === errorId);
    expect(logged?.path).toBe('/j/[REDACTED]/explode');
    // The request's own line is written when the response has finished.
    const text = await until(
      async () => api.logs.text().includes('"referer":"http://localhost:3000/j/[REDACTED]?_csrf=[REDACTED]"') && api.logs.text(),
      'the logged Referer',
    );
    for (const secret of ['PathCodeAbCdEfGh1234', 'RefererCodeAbCd5678', 'RefererCsrfToken9']) expect(text).not.toContain(secret);
  });

  describe('forms and CSRF', () => {
    it('refuses a form posted without the CSRF token (403 page) and changes nothing', async () => {
      const agent = request.agent(api.server);
      await agent.get('/').expect(200);
      const res = await agent.post('/preferences/language').type('form').send({ locale: 'de', returnTo: '/' }).set('Accept-Language', 'en').expect(403);
      expect(res.text).toContain('Access denied');
      expect(res.text).toContain('This form has expired or was not sent from Moderato');
      expect(String(res.headers['set-cookie'] ?? '')).not.toContain('moderato_lang=de');
      const after = await agent.get('/').set('Accept-Language', 'en').expect(200);
      expect(after.text).toContain('<html lang="en">');
    });

    it('refuses a token from another browser (another CSRF cookie)', async () => {
      const victim = request.agent(api.server);
      const attacker = request.agent(api.server);
      const attackerToken = csrfTokenOf((await attacker.get('/')).text);
      await victim.get('/');
      await victim.post('/preferences/language').type('form').send({ _csrf: attackerToken, locale: 'de' }).expect(403);
    });

    it('refuses a JSON request with a cookie but without the x-csrf-token header', async () => {
      const agent = request.agent(api.server);
      await agent.get('/');
      const res = await agent.post('/preferences/language').set('Accept', 'application/json').send({ locale: 'de' }).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'CSRF_INVALID' });
    });

    it('accepts the form with its token: language switches, with a flash message on the next page', async () => {
      const agent = request.agent(api.server);
      const token = csrfTokenOf((await agent.get('/').set('Accept-Language', 'en')).text);
      const res = await agent.post('/preferences/language').type('form').send({ _csrf: token, locale: 'de', returnTo: '/?from=footer' }).expect(303);
      expect(res.headers.location).toBe('/?from=footer');
      const next = await agent.get('/?from=footer').set('Accept-Language', 'en').expect(200);
      expect(next.text).toContain('<html lang="de">');
      expect(next.text).toContain('Die Sprache ist jetzt Deutsch.');
      // The flash is shown once.
      const again = await agent.get('/').expect(200);
      expect(again.text).not.toContain('Die Sprache ist jetzt Deutsch.');
    });

    it('accepts the token in the x-csrf-token header', async () => {
      const agent = request.agent(api.server);
      const token = csrfTokenOf((await agent.get('/')).text);
      await agent.post('/preferences/language').set('x-csrf-token', token).send({ locale: 'en' }).expect(303);
    });

    it('never redirects to another site after the form', async () => {
      const agent = request.agent(api.server);
      const token = csrfTokenOf((await agent.get('/')).text);
      for (const returnTo of ['https://evil.example/', '//evil.example', '/\\evil.example', '/.//evil.example', '/a/..//evil.example', '/%2e//evil.example']) {
        const res = await agent.post('/preferences/language').type('form').send({ _csrf: token, locale: 'en', returnTo }).expect(303);
        expect(res.headers.location).toBe('/');
      }
    });

    it('never sends "switch account" to another site, whatever dot segments returnTo holds', async () => {
      const agent = request.agent(api.server);
      const token = csrfTokenOf((await agent.get('/')).text);
      for (const returnTo of ['//evil.example', '/.//evil.example', '/a/..//evil.example', '/%2e//evil.example']) {
        const res = await agent
          .post(`/auth/switch?returnTo=${encodeURIComponent(returnTo)}`)
          .type('form')
          .send({ _csrf: token })
          .expect(303);
        expect(res.headers.location).toBe('/auth/login?switch=1&returnTo=%2F');
      }
    });

    it("answers invalid input with a 400 page naming the field, in the person's language", async () => {
      const agent = request.agent(api.server);
      const token = csrfTokenOf((await agent.get('/')).text);
      const res = await agent
        .post('/preferences/language')
        .set('Accept-Language', 'de')
        .type('form')
        .send({ _csrf: token, locale: 'fr', extra: 'x' })
        .expect(400);
      expect(res.text).toContain('Mit der Anfrage stimmt etwas nicht');
      expect(res.text).toContain('<strong>locale</strong>: Wählen Sie eine der Möglichkeiten');
      expect(res.text).toContain('<strong>extra</strong>');
    });
  });
});
