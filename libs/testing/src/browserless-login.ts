import type TestAgent from 'supertest/lib/agent';

/** A minimal cookie jar for talking to the identity provider with fetch. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Parses the first <form> of a page: its action and the values of its inputs. */
export function parseForm(html: string): { action: string; method: string; fields: Record<string, string> } {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in page:\n${html.slice(0, 500)}`);
  const attr = (source: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(source)?.[1];
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = attr(input[1], 'name');
    if (name) fields[name] = (attr(input[1], 'value') ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return { action: attr(form[1], 'action') ?? '', method: (attr(form[1], 'method') ?? 'get').toLowerCase(), fields };
}

export interface IdpBrowser {
  jar: CookieJar;
  /** Follows redirects at the IdP until one leaves it; returns that last response. */
  follow(url: string, init?: RequestInit): Promise<Response>;
}

export function idpBrowser(issuer: string): IdpBrowser {
  const jar = new CookieJar();
  const origin = new URL(issuer).origin;
  const follow = async (url: string, init: RequestInit = {}): Promise<Response> => {
    let next = new URL(url, origin);
    let request: RequestInit = init;
    for (let hop = 0; hop < 15; hop += 1) {
      const response = await fetch(next, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: jar.header() },
      });
      jar.store(response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      const target = new URL(location, next);
      if (target.origin !== origin) return response; // back to the relying party
      next = target;
      request = {};
    }
    throw new Error('too many redirects at the identity provider');
  };
  return { jar, follow };
}

export interface LoginResult {
  /** The api's answer to the callback (303 to returnTo on success). */
  callback: Awaited<ReturnType<TestAgent['get']>>;
  /** The callback URL the IdP sent the browser to (for replay tests). */
  callbackPath: string;
}

/**
 * Signs in through the real OpenID flow, as a browser would but without one: the api's
 * /auth/login (or, when LDAP is on too, /auth/oidc) → the IdP's login form (filled in and
 * posted) → back to /auth/callback.
 */
export async function loginThroughIdp(
  agent: TestAgent,
  issuer: string,
  credentials: { email: string; password: string },
  options: { returnTo?: string; beforeCallback?: (callbackPath: string) => string } = {},
): Promise<LoginResult> {
  const returnTo = encodeURIComponent(options.returnTo ?? '/');
  let start = await agent.get(`/auth/login?returnTo=${returnTo}`);
  // With LDAP on too, /auth/login is the username/password form; its button leads to /auth/oidc.
  if (start.status === 200 && start.text.includes('data-oidc-login')) start = await agent.get(`/auth/oidc?returnTo=${returnTo}`);
  if (start.status !== 302) throw new Error(`expected /auth/login to redirect to the IdP, got ${start.status}`);
  const browser = idpBrowser(issuer);
  let page = await browser.follow(start.headers.location);
  const html = await page.text();
  const form = parseForm(html);
  const body = new URLSearchParams({ ...form.fields, email: credentials.email, password: credentials.password });
  page = await browser.follow(new URL(form.action, page.url || issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  const location = page.headers.get('location');
  if (!location || !location.includes('/auth/callback')) {
    throw new Error(`login at the IdP did not come back (status ${page.status}):\n${(await page.text()).slice(0, 800)}`);
  }
  const url = new URL(location);
  let callbackPath = url.pathname + url.search;
  if (options.beforeCallback) callbackPath = options.beforeCallback(callbackPath);
  const callback = await agent.get(callbackPath);
  return { callback, callbackPath };
}
