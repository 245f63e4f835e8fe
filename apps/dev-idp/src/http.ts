import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ClientMetadata, KoaContextWithOIDC } from 'oidc-provider';
import type { DevIdpClient } from './dev-idp';
import { PAGE_HEADERS } from './pages';

/** The plumbing of the development IdP's own HTTP pages (sign-in form, errors, listening). */

export const MAX_FORM_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

export function setPageHeaders(ctx: KoaContextWithOIDC): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) if (name !== 'content-type') ctx.set(name, value);
  ctx.type = 'html';
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'Unsupported request', 'The sign-in form must be sent as application/x-www-form-urlencoded.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'Request too large', 'The sign-in form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Constant-time comparison of two strings of any length. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function toClientMetadata(client: DevIdpClient): ClientMetadata {
  if (!client.clientId) throw new Error('Development IdP: every client needs a clientId');
  if (client.serviceAccount && !client.clientSecret) throw new Error(`Development IdP: the service-account client ${client.clientId} needs a clientSecret`);
  if (!client.redirectUris.length && !client.serviceAccount) throw new Error(`Development IdP: client ${client.clientId} needs at least one redirect URI`);
  const login = client.redirectUris.length > 0;
  return {
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    token_endpoint_auth_method: client.clientSecret ? 'client_secret_post' : 'none',
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: [...(login ? ['authorization_code'] : []), ...(client.serviceAccount ? ['client_credentials'] : [])],
    response_types: login ? ['code'] : [],
  };
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `Development IdP: ${host}:${port} is already in use (is another dev IdP running?)`
            : `Development IdP cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
