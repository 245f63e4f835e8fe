/** A URL fit to print: no password (and no user name for SMTP/Redis/PostgreSQL URLs), no query. */
export function displayUrl(value: string): string {
  try {
    const url = new URL(value);
    const auth = url.username ? `${decodeURIComponent(url.username)}@` : '';
    const path = url.pathname && url.pathname !== '/' ? url.pathname : '';
    return `${url.protocol}//${auth}${url.host}${path}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** The message of an error, one line, with any credentials in URLs removed. */
export function errorText(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  let message = error instanceof Error ? error.message : String(error);
  // fetch() says only "fetch failed"; the reason is in the cause.
  if (cause instanceof Error && (message === 'fetch failed' || !message)) message = cause.message || (cause as { code?: string }).code || message;
  if (error instanceof AggregateError && error.errors.length) message = error.errors.map((e: unknown) => errorText(e)).join('; ');
  return message
    .replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***@')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
