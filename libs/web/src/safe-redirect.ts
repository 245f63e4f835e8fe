const BASE = new URL('http://moderato.invalid');
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/** A path that a browser would read as a same-origin path (not "//host", not "/\host"). */
function isLocalPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !FORBIDDEN.test(path);
}

/**
 * The one check for every redirect to user input (login, LDAP login, switch account, language,
 * forms): only a same-origin relative path ("/meetings?x=1") comes back, else the fallback.
 *
 * Normalise first, then decide: dot segments are resolved ("/.//evil", "/a/..//evil" and
 * "/%2e//evil" all become "//evil"), the value is percent-decoded once ("/%5Cevil",
 * "/%2F/evil"), and the result must still be a plain path: no scheme, no "//host", no
 * backslash, no control characters. Whatever is returned is the normalised path itself.
 */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  if (!isLocalPath(value)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return fallback;
  }
  if (!isLocalPath(decoded)) return fallback;
  try {
    const resolved = new URL(value, BASE);
    const path = resolved.pathname + resolved.search + resolved.hash;
    if (resolved.origin !== BASE.origin || !isLocalPath(path)) return fallback;
    // The same decision for the decoded form: a later decode (a proxy, a framework) must not
    // turn the path into another origin either.
    const decodedPath = decodeURIComponent(resolved.pathname);
    const again = new URL(decodedPath, BASE);
    if (!isLocalPath(decodedPath) || again.origin !== BASE.origin || !isLocalPath(again.pathname)) return fallback;
    return path;
  } catch {
    return fallback;
  }
}
