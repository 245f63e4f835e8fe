import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { Type } from '@nestjs/common';
import type { Clock } from '@moderato/core';
import { startDevIdp } from '@moderato/dev-idp';
import { loginThroughIdp } from '@moderato/testing';
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
export async function startSignedInApi(options: { env?: Record<string, string>; extraControllers?: Type[]; clock?: Clock } = {}): Promise<SignedInApi> {
  const idp = await startDevIdp({
    port: 0,
    clients: [
      {
        clientId: 'moderato',
        clientSecret: 'test-secret',
        redirectUris: ['http://localhost:3000/auth/callback'],
        postLogoutRedirectUris: ['http://localhost:3000/'],
      },
    ],
  });
  const api = await startApi({
    ...options,
    env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: 'moderato', OIDC_CLIENT_SECRET: 'test-secret', ...options.env },
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
