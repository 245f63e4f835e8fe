/** Query parameters whose values are credentials (Jitsi tokens, OIDC codes, link codes). */
const SECRET_QUERY = /([?&](?:jwt|code|state|token|access_token|id_token|id_token_hint|session_state|_csrf)=)[^&#]*/gi;

/**
 * A URL as it may appear in a log: secret query values, personal link codes (`/j/<code>`) and
 * calendar feed secrets (`/calendar/<secret>.ics`) replaced by `[REDACTED]`.
 */
export function redactUrl(url: string): string {
  return url
    .replace(SECRET_QUERY, '$1[REDACTED]')
    .replace(/([?&]returnTo=(?:%2F|\/)j(?:%2F|\/))[^&#]*/gi, '$1[REDACTED]')
    .replace(/^((?:https?:\/\/[^/]+)?\/j\/)[^/?#]+/, '$1[REDACTED]')
    .replace(/^((?:https?:\/\/[^/]+)?\/calendar\/)[^/?#]+/, '$1[REDACTED]');
}

/** Object paths whose values are URLs: logged, but through `redactUrl` (an error's `path`). */
export const URL_PATHS = ['path'];

/** pino's censor: URLs keep their shape with the secrets taken out, everything else goes. */
export function censor(value: unknown, path: string[]): unknown {
  if (path.length === 1 && URL_PATHS.includes(path[0])) return typeof value === 'string' ? redactUrl(value) : value;
  return '[REDACTED]';
}

/** Object paths pino removes from every log line. */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.secretEncrypted',
  '*.privateKey',
  '*.token',
  '*.jwt',
  '*.idToken',
  '*.id_token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.cookie',
  '*.authorization',
];
