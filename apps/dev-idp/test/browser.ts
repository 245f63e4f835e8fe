/**
 * A tiny stand-in for a browser in end-to-end tests: `fetch` with `redirect: 'manual'`, a cookie
 * jar (name, value, host, path; no expiry beyond deletion), and redirects followed on one origin.
 */
export interface Page {
  status: number;
  /** The URL that answered. */
  url: string;
  /** Absolute Location of a redirect. */
  location?: string;
  headers: Headers;
  body: string;
}

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

export class Browser {
  private readonly jar = new Map<string, StoredCookie>();

  /** One request, no redirect followed. `form` makes it a urlencoded POST. */
  async request(url: string | URL, form?: Record<string, string>): Promise<Page> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(target, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    this.store(target, response.headers.getSetCookie());
    const location = response.headers.get('location');
    return {
      status: response.status,
      url: target.href,
      location: location ? new URL(location, target).href : undefined,
      headers: response.headers,
      body: await response.text(),
    };
  }

  /**
   * Like a browser: follows redirects (as GET) while they stay on the first URL's origin, and
   * stops at the first page that is not a redirect, or at a redirect that leaves the origin
   * (to the application's redirect URI) — returned with its `location`, which is never fetched.
   */
  async follow(url: string | URL, form?: Record<string, string>): Promise<Page> {
    const origin = new URL(url).origin;
    let page = await this.request(url, form);
    for (let hops = 0; page.location && hops < 20; hops += 1) {
      if (new URL(page.location).origin !== origin) return page;
      page = await this.request(page.location);
    }
    if (page.location) throw new Error(`too many redirects, last to ${page.location}`);
    return page;
  }

  cookieNames(): string[] {
    return [...this.jar.values()].map((cookie) => cookie.name);
  }

  private cookieHeader(url: URL): string {
    return [...this.jar.values()]
      .filter((cookie) => cookie.host === url.host && pathMatches(url.pathname, cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  private store(url: URL, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, attributeValue = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = attributeValue;
        if (key.toLowerCase() === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
        if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
      }
      const key = `${url.host}|${path}|${name}`;
      if (expired) this.jar.delete(key);
      else this.jar.set(key, { name, value, host: url.host, path });
    }
  }
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (value: string) => value.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]);

/** The absolute action URL of the first `<form>` of a page (or of the form with `id`). */
export function formAction(page: Page, id?: string): string {
  const forms = [...page.body.matchAll(/<form\b[^>]*>/g)].map((match) => match[0]);
  const tag = id ? forms.find((form) => form.includes(`id="${id}"`)) : forms[0];
  const action = tag && /\baction="([^"]*)"/.exec(tag)?.[1];
  if (action === undefined) throw new Error(`no form${id ? ` #${id}` : ''} with an action on ${page.url}:\n${page.body}`);
  return new URL(decode(action), page.url).href;
}

/** The value attribute of the `<input name=…>` of a page, or undefined. */
export function inputValue(page: Page, name: string): string | undefined {
  const tag = [...page.body.matchAll(/<input\b[^>]*>/g)].map((match) => match[0]).find((input) => input.includes(`name="${name}"`));
  const value = tag && /\bvalue="([^"]*)"/.exec(tag)?.[1];
  return value === undefined ? undefined : decode(value);
}

/** The text of a page without tags, whitespace collapsed: what a person reads. */
export function visibleText(page: Page): string {
  return decode(
    page.body
      .replace(/<(style|script)\b[\s\S]*?<\/\1>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  ).trim();
}
