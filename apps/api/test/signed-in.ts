import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { Type } from '@nestjs/common';
import type { Page } from 'playwright-core';
import type { Clock } from '@moderato/core';
import { startDevIdp, type DevIdpUser } from '@moderato/dev-idp';
import { startDevJitsi, type RunningDevJitsi } from '@moderato/dev-jitsi';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { freePort, loginThroughIdp } from '@moderato/testing';
import { csrfTokenOf, startApi, type RunningApi } from './api-app';

export interface SignedInApi {
  api: RunningApi;
  issuer: string;
  /** A supertest agent signed in through the real OIDC flow at the dev IdP (password = name part). */
  signIn(email: string): Promise<TestAgent>;
  /** The CSRF token of the agent's pages, for posting forms and JSON. */
  csrf(agent: TestAgent): Promise<string>;
  close(): Promise<void>;
}

/** The api plus the development IdP with its demo users, wired together. */
export async function startSignedInApi(
  options: { env?: Record<string, string>; extraControllers?: Type[]; clock?: Clock; idpUsers?: DevIdpUser[] } = {},
): Promise<SignedInApi> {
  const idp = await startDevIdp({
    port: 0,
    users: options.idpUsers,
    clients: [
      {
        clientId: 'moderato',
        clientSecret: 'test-secret',
        redirectUris: ['http://localhost:3000/auth/callback'],
        postLogoutRedirectUris: ['http://localhost:3000/'],
      },
    ],
  });
  // If the api does not start (a bad test configuration), the IdP must not keep Jest from exiting.
  const api = await startApi({
    ...options,
    env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: 'moderato', OIDC_CLIENT_SECRET: 'test-secret', ...options.env },
  }).catch(async (error: unknown) => {
    await idp.close();
    throw error;
  });
  return {
    api,
    issuer: idp.issuer,
    async signIn(email) {
      const agent = request.agent(api.server);
      const { callback } = await loginThroughIdp(agent, idp.issuer, { email, password: email.split('@')[0] });
      if (callback.status !== 303) throw new Error(`sign-in of ${email} failed with ${callback.status}`);
      return agent;
    },
    async csrf(agent) {
      return csrfTokenOf((await agent.get('/')).text);
    },
    async close() {
      await api.close();
      await idp.close();
    },
  };
}

/** Registers the HS256 Jitsi server meetings in tests are scheduled on. */
export async function registerJitsiServer(api: RunningApi) {
  const { server } = await api.app
    .get(JitsiServersService)
    .create(
      { name: 'Jitsi', baseUrl: 'https://meet.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' },
      { id: null, label: 'test' },
    );
  return server;
}

/**
 * The development Jitsi stand-in (apps/dev-jitsi) on a free port, registered in the api as the HS256
 * server `name`: browsers following Moderato's redirects land on a page that judges the token as
 * Prosody would (`<main data-verdict data-room data-affiliation>`).
 */
export async function registerJitsiStandIn(api: RunningApi, name = 'Jitsi'): Promise<{ server: JitsiServer; jitsi: RunningDevJitsi }> {
  const port = await freePort();
  const { server, secret } = await api.app
    .get(JitsiServersService)
    .create(
      { name, baseUrl: `http://127.0.0.1:${port}`, xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' },
      { id: null, label: 'test' },
    );
  const jitsi = await startDevJitsi({ settings: { domain: 'meet.jitsi', appId: 'moderato', acceptedAudiences: ['jitsi'], appSecret: secret }, port });
  return { server, jitsi };
}

/** Opens a URL at the development Jitsi stand-in and reads its verdict (the attributes of its <main>). */
export async function landOnStandIn(location: string) {
  const res = await fetch(location);
  const html = await res.text();
  const main = /<main ([^>]*)>/.exec(html)?.[1] ?? '';
  const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(main)?.[1];
  return {
    status: res.status,
    html,
    verdict: attr('data-verdict'),
    room: attr('data-room'),
    affiliation: attr('data-affiliation'),
    reason: attr('data-reason'),
  };
}

/**
 * The api listening on a real port (browsers follow redirects to it) with the dev IdP, whose
 * client knows that port's callback.
 */
export async function startListeningApi(env: Record<string, string> = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const idp = await startDevIdp({
    port: 0,
    clients: [{ clientId: 'moderato', clientSecret: 'browser-secret', redirectUris: [`${baseUrl}/auth/callback`], postLogoutRedirectUris: [`${baseUrl}/`] }],
  });
  const fullEnv = { PUBLIC_URL: baseUrl, OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: 'moderato', OIDC_CLIENT_SECRET: 'browser-secret', ...env };
  const api = await startApi({ env: fullEnv });
  await api.app.listen(port, '127.0.0.1');
  return {
    api,
    baseUrl,
    issuer: idp.issuer,
    env: fullEnv,
    async close() {
      await api.close();
      await idp.close();
    },
  };
}

/** Fills and sends the dev IdP's sign-in form in a browser (a demo user's password is the local part of their address). */
export async function signInAtDevIdp(page: Page, email: string): Promise<void> {
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(email.split('@')[0]);
  await page.getByRole('button', { name: /sign in/i }).click();
}

/** Signs `agent` in through the LDAP login form (GET for the CSRF token, then POST). */
export async function ldapSignIn(agent: TestAgent, username: string, password: string, returnTo?: string) {
  const page = await agent.get('/auth/login').set('Accept-Language', 'en').expect(200);
  return agent
    .post('/auth/login')
    .set('Accept-Language', 'en')
    .type('form')
    .send({ _csrf: csrfTokenOf(page.text), username, password, ...(returnTo === undefined ? {} : { returnTo }) });
}
