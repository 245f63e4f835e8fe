import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { DEMO_USERS, loadUsersFile, startDevIdp } from '@moderato/dev-idp';
import { Browser, formAction, inputValue, visibleText, type Page } from './browser';

// Redirect URIs are never fetched: the browser stops at the redirect that leaves the IdP.
const APP = 'http://localhost:3999';
const PUBLIC_APP = 'http://localhost:3998';
const CONFIDENTIAL = { clientId: 'moderato-test', clientSecret: 'test-secret' };
const PUBLIC = { clientId: 'moderato-public' };

let idp: { issuer: string; close(): Promise<void> };
let confidential: client.Configuration;
let publicClient: client.Configuration;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    clients: [
      { ...CONFIDENTIAL, redirectUris: [`${APP}/auth/callback`], postLogoutRedirectUris: [`${APP}/`] },
      { ...PUBLIC, redirectUris: [`${PUBLIC_APP}/auth/callback`], postLogoutRedirectUris: [`${PUBLIC_APP}/`] },
    ],
  });
  const execute = [client.allowInsecureRequests];
  confidential = await client.discovery(new URL(idp.issuer), CONFIDENTIAL.clientId, CONFIDENTIAL.clientSecret, undefined, { execute });
  publicClient = await client.discovery(new URL(idp.issuer), PUBLIC.clientId, undefined, client.None(), { execute });
});

afterAll(async () => {
  await idp?.close();
});

interface Started {
  browser: Browser;
  loginPage: Page;
  verifier: string;
  state: string;
  nonce: string;
}

/** Sends a browser to the IdP's authorization endpoint and returns the page it lands on. */
async function startSignIn(config: client.Configuration, redirectUri: string, browser = new Browser()): Promise<Started> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { browser, loginPage: await browser.follow(url), verifier, state, nonce };
}

/** Fills in the sign-in form; returns where the browser ends up. */
function submitLogin(started: Started, email: string, password: string, page = started.loginPage): Promise<Page> {
  return started.browser.follow(formAction(page), { email, password });
}

/** A whole sign-in: form, callback, token request. */
async function signIn(email: string, password: string, config = confidential, redirectUri = `${APP}/auth/callback`) {
  const started = await startSignIn(config, redirectUri);
  const end = await submitLogin(started, email, password);
  expect(end.location).toMatch(new RegExp(`^${redirectUri}\\?`));
  const tokens = await client.authorizationCodeGrant(config, new URL(end.location!), {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
  });
  return { tokens, claims: tokens.claims()!, browser: started.browser };
}

describe('development identity provider (oidc-provider)', () => {
  it('publishes discovery with PKCE S256, the code flow only, userinfo and end_session', async () => {
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.end_session_endpoint).toBe(`${idp.issuer}/session/end`);
    expect(metadata.userinfo_endpoint).toEqual(expect.stringContaining(idp.issuer));
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['email', 'email_verified', 'groups', 'realm_access']));
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_post', 'none']));

    const jwks = (await (await fetch(String(metadata.jwks_uri))).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('shows a plain sign-in form with labelled fields and the demo accounts', async () => {
    const { loginPage } = await startSignIn(confidential, `${APP}/auth/callback`);
    expect(loginPage.status).toBe(200);
    expect(loginPage.headers.get('content-type')).toMatch(/^text\/html/);
    expect(loginPage.body).toContain('<title>Moderato development sign-in</title>');
    expect(loginPage.body).toMatch(/<label for="email">Email<\/label>/);
    expect(loginPage.body).toMatch(/<input id="email" name="email" type="email" autocomplete="username"/);
    expect(loginPage.body).toMatch(/<label for="password">Password<\/label>/);
    expect(loginPage.body).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expect(loginPage.body).not.toContain('<script');
    const text = visibleText(loginPage);
    expect(text).toContain('development identity provider');
    for (const user of DEMO_USERS) expect(text).toContain(`${user.email} ${user.password}`);
  });

  it('signs a teacher in: ID token and userinfo carry Keycloak-shaped claims', async () => {
    const { tokens, claims } = await signIn('teacher@school.test', 'teacher');
    expect(tokens.token_type).toBe('bearer');
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: CONFIDENTIAL.clientId,
      email: 'teacher@school.test',
      email_verified: true,
      name: 'Tom Teacher',
      given_name: 'Tom',
      family_name: 'Teacher',
      preferred_username: 'teacher@school.test',
      groups: ['/teachers'],
      realm_access: { roles: ['teachers'] },
    });
    expect(claims.sub).toMatch(/^[0-9a-f]{32}$/);

    const userInfo = await client.fetchUserInfo(confidential, tokens.access_token, claims.sub);
    expect(userInfo).toEqual({
      sub: claims.sub,
      email: 'teacher@school.test',
      email_verified: true,
      name: 'Tom Teacher',
      given_name: 'Tom',
      family_name: 'Teacher',
      preferred_username: 'teacher@school.test',
      groups: ['/teachers'],
      realm_access: { roles: ['teachers'] },
    });

    // The same person gets the same subject on every sign-in; another person another one.
    const again = await signIn('Teacher@School.test', 'teacher');
    expect(again.claims.sub).toBe(claims.sub);
    const colleague = await signIn('teacher2@school.test', 'teacher2');
    expect(colleague.claims.sub).not.toBe(claims.sub);
    expect(colleague.claims).toMatchObject({ name: 'Tina Teacher', groups: ['/teachers'] });
  });

  it('refuses a wrong password with the form again, keeping the email, and issues no code', async () => {
    const started = await startSignIn(confidential, `${APP}/auth/callback`);
    const refused = await submitLogin(started, 'teacher@school.test', 'not-the-password');
    expect(refused.status).toBe(200);
    expect(refused.location).toBeUndefined();
    expect(visibleText(refused)).toContain('Wrong email or password.');
    expect(inputValue(refused, 'email')).toBe('teacher@school.test');

    const unknown = await submitLogin(started, 'nobody@school.test', 'teacher', refused);
    expect(visibleText(unknown)).toContain('Wrong email or password.');
    expect(inputValue(unknown, 'email')).toBe('nobody@school.test');

    // The person corrects the password on the same form and gets in.
    const end = await submitLogin(started, 'teacher@school.test', 'teacher', unknown);
    const callback = new URL(end.location!);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(started.state);
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = client.buildAuthorizationUrl(confidential, {
      redirect_uri: `${APP}/auth/callback`,
      scope: 'openid email profile',
      state: 'no-pkce',
    });
    const browser = new Browser();
    const end = await browser.follow(url);
    expect(end.location).toBeDefined();
    const callback = new URL(end.location!);
    expect(callback.origin + callback.pathname).toBe(`${APP}/auth/callback`);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('shows an error page, and redirects nowhere, for an unregistered redirect URI or a stale sign-in', async () => {
    const url = client.buildAuthorizationUrl(confidential, {
      redirect_uri: 'http://evil.test/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const refused = await new Browser().follow(url);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeUndefined();
    expect(visibleText(refused)).toContain("redirect_uri did not match any of the client's registered redirect_uris");

    const stale = await new Browser().follow(`${idp.issuer}/interaction/no-such-sign-in`);
    expect(stale.status).toBe(400);
    expect(visibleText(stale)).toContain('This sign-in attempt has expired or was already completed.');
  });

  it('signs in through a public client without a secret', async () => {
    const { tokens, claims } = await signIn('student@school.test', 'student', publicClient, `${PUBLIC_APP}/auth/callback`);
    expect(claims).toMatchObject({ aud: PUBLIC.clientId, email: 'student@school.test', groups: ['/students'], realm_access: { roles: ['students'] } });
    const userInfo = await client.fetchUserInfo(publicClient, tokens.access_token, claims.sub);
    expect(userInfo.email).toBe('student@school.test');
  });

  it('reports email_verified false for the unverified demo user', async () => {
    const { tokens, claims } = await signIn('unverified@school.test', 'unverified');
    expect(claims.email_verified).toBe(false);
    const userInfo = await client.fetchUserInfo(confidential, tokens.access_token, claims.sub);
    expect(userInfo.email_verified).toBe(false);
  });

  it('sends a cancelled sign-in back to the application as access_denied', async () => {
    const started = await startSignIn(confidential, `${APP}/auth/callback`);
    const abort = /formaction="([^"]+)"/.exec(started.loginPage.body)?.[1];
    expect(abort).toBeDefined();
    const end = await started.browser.follow(new URL(abort!, started.loginPage.url), {});
    const callback = new URL(end.location!);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('signs out (RP-initiated logout) back to the post-logout URI after the confirmation', async () => {
    const { tokens, claims, browser } = await signIn('admin@school.test', 'admin');
    expect(claims.groups).toEqual(['/admins']);

    const endSession = client.buildEndSessionUrl(confidential, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${APP}/`,
      state: 'bye',
    });
    const confirm = await browser.follow(endSession);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toMatch(/<button type="submit" form="op.logoutForm" name="logout" value="yes"[^>]*>Sign out<\/button>/);

    const end = await browser.follow(formAction(confirm, 'op.logoutForm'), {
      xsrf: inputValue(confirm, 'xsrf')!,
      logout: 'yes',
    });
    expect(end.status).toBe(303);
    expect(end.location).toBe(`${APP}/?state=bye`);

    // Signed out for real: the next sign-in asks for the password again, the old token is dead.
    const next = await startSignIn(confidential, `${APP}/auth/callback`, browser);
    expect(next.loginPage.body).toContain('<title>Moderato development sign-in</title>');
    await expect(client.fetchUserInfo(confidential, tokens.access_token, claims.sub)).rejects.toThrow();
  });

  it('shows "You are signed out" after a logout without a post-logout URI', async () => {
    const { browser } = await signIn('student2@school.test', 'student2');
    const confirm = await browser.follow(`${idp.issuer}/session/end`);
    const end = await browser.follow(formAction(confirm, 'op.logoutForm'), { xsrf: inputValue(confirm, 'xsrf')!, logout: 'yes' });
    expect(end.status).toBe(200);
    expect(visibleText(end)).toContain('You are signed out');
  });

  it('keeps a signed-in browser signed in: a second authorization needs no password', async () => {
    const { browser } = await signIn('teacher@school.test', 'teacher');
    const second = await startSignIn(confidential, `${APP}/auth/callback`, browser);
    expect(second.loginPage.location).toMatch(new RegExp(`^${APP}/auth/callback\\?code=`));
  });

  it('refuses to start in production', async () => {
    await expect(
      startDevIdp({ production: true, port: 0, clients: [{ clientId: 'x', redirectUris: [`${APP}/cb`], postLogoutRedirectUris: [] }] }),
    ).rejects.toThrow(/must not run in production/);
  });
});

describe('loadUsersFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-idp-users-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('reads users, with groups and emailVerified optional', () => {
    const path = write('ok.json', [
      { email: 'head@school.test', password: 'head', name: 'Hedda Head', groups: ['/admins', 'teachers'], emailVerified: false },
      { email: 'guest@school.test', password: 'guest', name: 'Gus Guest' },
    ]);
    expect(loadUsersFile(path)).toEqual([
      { email: 'head@school.test', password: 'head', name: 'Hedda Head', groups: ['admins', 'teachers'], emailVerified: false },
      { email: 'guest@school.test', password: 'guest', name: 'Gus Guest', groups: [] },
    ]);
  });

  it('names the bad entry and what is wrong with it', () => {
    const path = write('bad.json', [
      { email: 'ok@school.test', password: 'ok', name: 'Ok', groups: [] },
      { email: 'broken@school.test', password: '', name: 'Broken', groups: [] },
    ]);
    expect(() => loadUsersFile(path)).toThrow(`Development IdP users file ${path}: entry 2 ("broken@school.test") "password" must be a non-empty string`);
    expect(() => loadUsersFile(write('typo.json', [{ email: 'a@b.c', password: 'x', name: 'A', group: ['x'] }]))).toThrow(
      /entry 1 \("a@b\.c"\) has unknown field\(s\) "group"/,
    );
    expect(() => loadUsersFile(write('groups.json', [{ email: 'a@b.c', password: 'x', name: 'A', groups: 'teachers' }]))).toThrow(
      /entry 1 \("a@b\.c"\) "groups" must be an array/,
    );
    expect(() =>
      loadUsersFile(
        write('twice.json', [
          { email: 'a@b.c', password: 'x', name: 'A' },
          { email: 'A@b.c', password: 'y', name: 'B' },
        ]),
      ),
    ).toThrow(/entry 2 \("A@b\.c"\) repeats an email address/);
    expect(() => loadUsersFile(write('notjson.json', '[{'))).toThrow(/is not valid JSON/);
    expect(() => loadUsersFile(write('object.json', { users: [] }))).toThrow(/must hold a non-empty JSON array/);
    expect(() => loadUsersFile(join(dir, 'missing.json'))).toThrow(/cannot be read/);
  });
});
