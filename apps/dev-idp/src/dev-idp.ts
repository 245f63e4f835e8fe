import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { Provider, errors, type Configuration, type Interaction } from 'oidc-provider';
import { DEV_REALM, createAdminApi } from './admin-api';
import { MemoryStore } from './memory-adapter';
import { HttpError, listen, readForm, sameSecret, send, setPageHeaders, toClientMetadata } from './http';
import { errorPage, loginPage, logoutPage, signedOutPage } from './pages';
import { profileClaimsFor, scopeClaims, type DevIdpProfile } from './profiles';
import { DEMO_USERS, subjectFor, type DevIdpUser } from './users';

/** A client (relying party) registered at the development IdP. */
export interface DevIdpClient {
  clientId: string;
  /**
   * Present: a confidential client authenticating with `client_secret_post` (what openid-client
   * uses by default). Absent: a public client (`token_endpoint_auth_method: none`, PKCE only).
   */
  clientSecret?: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /**
   * A confidential client that may use the client-credentials grant and, with that token, the
   * Keycloak-shaped admin API at <issuer>/admin/realms/dev (like a Keycloak service account with
   * view-users and query-groups). Needs a clientSecret; redirect URIs may then be empty.
   */
  serviceAccount?: boolean;
}

export interface DevIdpOptions {
  /** The issuer URL; the server listens on its port (unless `port` is given). */
  issuer?: string;
  /** Port to listen on; 0 = a random free port, and then (without `issuer`) the issuer is http://127.0.0.1:<port>. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  clients: DevIdpClient[];
  /** Default: DEMO_USERS. */
  users?: DevIdpUser[];
  /** True refuses to start: the development IdP must never run in production. */
  production?: boolean;
  /** Whose claims to imitate (see profiles.ts). Default `keycloak`. */
  profile?: DevIdpProfile;
}

export interface RunningDevIdp {
  issuer: string;
  close(): Promise<void>;
}

const WRONG_CREDENTIALS = 'Wrong email or password.';

/**
 * Starts a real OpenID Provider (oidc-provider) for development and tests: authorization code
 * flow with PKCE (S256) only, discovery, JWKS, userinfo and RP-initiated logout, a plain
 * server-rendered sign-in page, consent granted automatically, Keycloak-shaped claims.
 * Everything is kept in memory. Refuses to start when `production` is true.
 */
export async function startDevIdp(options: DevIdpOptions): Promise<RunningDevIdp> {
  if (options.production) {
    throw new Error('The development identity provider must not run in production. Use your real identity provider (e.g. Keycloak) and set OIDC_ISSUER.');
  }
  if (!options.clients?.length) throw new Error('Development IdP: at least one client is required');
  const clients = options.clients.map(toClientMetadata);

  const users = options.users ?? DEMO_USERS;
  const byEmail = new Map<string, DevIdpUser>();
  const bySubject = new Map<string, DevIdpUser>();
  for (const user of users) {
    const email = user.email.trim().toLowerCase();
    if (byEmail.has(email)) throw new Error(`Development IdP: the user ${user.email} is listed twice`);
    byEmail.set(email, user);
    bySubject.set(subjectFor(user.email), user);
  }

  // Exactly as given: real issuers may end in a slash (Authentik) and the relying party must cope.
  const issuerOption = options.issuer;
  const issuerUrl = issuerOption ? new URL(issuerOption) : undefined;
  if (issuerUrl && !['http:', 'https:'].includes(issuerUrl.protocol)) throw new Error(`Development IdP: the issuer ${issuerOption} is not an http(s) URL`);
  if (issuerUrl && (issuerUrl.search || issuerUrl.hash)) throw new Error(`Development IdP: the issuer ${issuerOption} must not have a query or fragment`);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (issuerUrl ? Number(issuerUrl.port || (issuerUrl.protocol === 'https:' ? 443 : 80)) : 0);

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => send(res, 503, errorPage('Starting', 'The development IdP is starting.'));
  const server = createServer((req, res) => handler(req, res));
  await listen(server, port, host);
  const actualPort = (server.address() as AddressInfo).port;
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const issuer = issuerOption ?? `http://${displayHost}:${actualPort}`;
  const mountPath = new URL(issuer).pathname.replace(/\/+$/, '');

  let provider: Provider;
  try {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = createHash('sha256')
      .update(jwk.n ?? '')
      .digest('base64url')
      .slice(0, 16);

    const configuration: Configuration = {
      adapter: new MemoryStore().adapterFactory(),
      clients,
      jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] },
      // Signed cookies. `secure` is left unset: the provider marks cookies secure on https requests
      // by itself, and a forced `secure: true` would break plain http on 127.0.0.1/localhost.
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      async findAccount(_ctx, sub) {
        const user = bySubject.get(sub);
        return user ? { accountId: sub, claims: () => profileClaimsFor(user, options.profile ?? 'keycloak', issuer) } : undefined;
      },
      claims: scopeClaims(users),
      scopes: ['openid'],
      // Every claim of the granted scopes in the ID token too, as Keycloak does.
      conformIdTokenClaims: false,
      responseTypes: ['code'],
      pkce: { required: () => true },
      clientBasedCORS: () => true,
      interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: { enabled: false },
        revocation: { enabled: false },
        introspection: { enabled: false },
        userinfo: { enabled: true },
        clientCredentials: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource(ctx, form) {
            setPageHeaders(ctx);
            ctx.body = logoutPage(form, ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId);
          },
          postLogoutSuccessSource(ctx) {
            setPageHeaders(ctx);
            ctx.body = signedOutPage();
          },
        },
      },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 3600,
        Session: 8 * 3600,
        Grant: 8 * 3600,
      },
      renderError(ctx, out) {
        setPageHeaders(ctx);
        ctx.body = errorPage('Sign-in error', out.error_description ?? out.error, out.error);
      },
    };
    provider = new Provider(issuer, configuration);
    // This server speaks plain http: an https issuer means a TLS-terminating proxy in front.
    if (new URL(issuer).protocol === 'https:') provider.proxy = true;
    provider.on('server_error', (_ctx, error) => console.error('Development IdP server error:', error));
  } catch (error) {
    server.close();
    throw error;
  }

  const interactionPrefix = `${mountPath}/interaction/`;
  const adminPrefix = `${mountPath}/admin/realms/${DEV_REALM}`;
  const adminApi = createAdminApi(users);
  const serviceAccounts = new Set(options.clients.filter((client) => client.serviceAccount).map((client) => client.clientId));
  async function adminAuthorized(req: IncomingMessage): Promise<'ok' | 401 | 403> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = bearer ? await provider.ClientCredentials.find(bearer[1]) : undefined;
    if (!token || token.isExpired) return 401;
    return serviceAccounts.has(token.clientId) ? 'ok' : 403;
  }

  async function details(req: IncomingMessage, res: ServerResponse, uid: string): Promise<Interaction> {
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        throw new HttpError(400, 'Sign-in expired', 'This sign-in attempt has expired or was already completed.');
      }
      throw error;
    }
    if (interaction.uid !== uid) throw new HttpError(400, 'Sign-in expired', 'This sign-in attempt has expired or was already completed.');
    return interaction;
  }

  function renderLogin(res: ServerResponse, interaction: Interaction, status: number, email?: string, error?: string): void {
    const loginHint = typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : undefined;
    send(
      res,
      status,
      loginPage({
        action: `${interactionPrefix}${interaction.uid}/login`,
        abortAction: `${interactionPrefix}${interaction.uid}/abort`,
        clientId: String(interaction.params.client_id ?? ''),
        email: email ?? loginHint,
        error,
        users,
      }),
    );
  }

  async function grantConsent(req: IncomingMessage, res: ServerResponse, interaction: Interaction): Promise<void> {
    const accountId = interaction.session?.accountId;
    if (!accountId) throw new HttpError(400, 'Sign-in expired', 'This sign-in attempt has no signed-in user.');
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = interaction.prompt.details;
    const grant =
      (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
    if (missingOIDCScope?.length) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims?.length) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function handleInteraction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const [uid, action, ...rest] = path.slice(interactionPrefix.length).split('/');
    if (!uid || rest.length) throw new HttpError(404, 'Not found', 'There is no such page.');
    const method = req.method ?? 'GET';

    if (action === undefined && (method === 'GET' || method === 'HEAD')) {
      const interaction = await details(req, res, uid);
      if (interaction.prompt.name === 'login') return renderLogin(res, interaction, 200);
      if (interaction.prompt.name === 'consent') return grantConsent(req, res, interaction);
      throw new HttpError(400, 'Sign-in error', `The development IdP cannot handle the prompt "${interaction.prompt.name}".`);
    }
    if (action === 'login' && method === 'POST') {
      const form = await readForm(req);
      const interaction = await details(req, res, uid);
      if (interaction.prompt.name !== 'login') throw new HttpError(400, 'Sign-in expired', 'This sign-in attempt was already completed.');
      const email = (form.get('email') ?? '').trim();
      const user = byEmail.get(email.toLowerCase());
      // Compare even for an unknown email, so the answer takes as long either way.
      const passwordMatches = sameSecret(form.get('password') ?? '', user?.password ?? randomBytes(16).toString('hex'));
      if (!user || !passwordMatches) return renderLogin(res, interaction, 200, email, WRONG_CREDENTIALS);
      return provider.interactionFinished(req, res, { login: { accountId: subjectFor(user.email), amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    }
    if (action === 'abort' && method === 'POST') {
      await details(req, res, uid);
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
        { mergeWithLastSubmission: false },
      );
    }
    if (action === undefined || action === 'login' || action === 'abort') {
      res.setHeader('allow', action === undefined ? 'GET, HEAD' : 'POST');
      throw new HttpError(405, 'Method not allowed', `${method} is not allowed here.`);
    }
    throw new HttpError(404, 'Not found', 'There is no such page.');
  }

  const callback = provider.callback();
  handler = (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path === adminPrefix || path.startsWith(`${adminPrefix}/`)) {
      adminApi(req, res, path.slice(adminPrefix.length), new URLSearchParams(url.split('?')[1] ?? ''), () => adminAuthorized(req)).catch((error: unknown) => {
        console.error('Development IdP admin API error:', error);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (path.startsWith(interactionPrefix)) {
      handleInteraction(req, res, path).catch((error: unknown) => {
        if (!(error instanceof HttpError)) console.error('Development IdP interaction error:', error);
        const problem = error instanceof HttpError ? error : new HttpError(500, 'Sign-in error', 'Something went wrong in the development IdP.');
        if (res.headersSent) res.end();
        else send(res, problem.status, errorPage(problem.title, problem.message));
      });
      return;
    }
    if (mountPath) {
      if (path !== mountPath && !path.startsWith(`${mountPath}/`)) {
        send(res, 404, errorPage('Not found', 'There is no such page.'));
        return;
      }
      // Mounted below the issuer's path, as Express' app.use(path, …) would do.
      Object.assign(req, { originalUrl: url });
      const rest = url.slice(mountPath.length);
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
    }
    void callback(req, res);
  };

  let closing: Promise<void> | undefined;
  return {
    issuer,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // Finish requests in flight; close keep-alive connections as soon as they are idle.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        server.close((error) => {
          clearInterval(sweep);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
