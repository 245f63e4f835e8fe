import * as oidc from 'openid-client';
import type { AppConfig } from '@moderato/config';
import { discoveryDocumentUrl, issuerMismatch } from '@moderato/identity';
import { errorText } from '../redact';
import { TIMEOUT_MS, fail, ok, warn, type Report } from './check';

/** The redirect URI Moderato sends to the IdP (as OidcService builds it). */
export const redirectUriOf = (config: AppConfig) => `${config.publicUrl}/auth/callback`;

/** The discovery document names another issuer than OIDC_ISSUER: which, how they differ, what to set. */
function issuerFailure(source: string, issuer: string, announced: string) {
  return fail(
    'oidc.discovery',
    `The discovery document at ${source} names another issuer: ${issuerMismatch(issuer, announced)}`,
    `Set OIDC_ISSUER=${announced} (it must equal the "iss" of the IdP's tokens exactly, trailing slash included); until then nobody can sign in.`,
  );
}

/**
 * OIDC: discovery (and that it names OIDC_ISSUER), the redirect URI accepted by the authorization
 * endpoint, the client credentials accepted by the token endpoint.
 */
export async function checkOidc(config: AppConfig, report: Report): Promise<void> {
  const { issuer, discoveryUrl, clientId, clientSecret, allowInsecureHttp } = config.oidc;
  const redirectUri = redirectUriOf(config);
  const source = discoveryUrl ?? discoveryDocumentUrl(issuer);
  let configuration: oidc.Configuration;
  try {
    configuration = await oidc.discovery(
      new URL(discoveryUrl ?? issuer),
      clientId,
      clientSecret ? { client_secret: clientSecret } : undefined,
      clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None(),
      { execute: allowInsecureHttp ? [oidc.allowInsecureRequests] : [], timeout: TIMEOUT_MS / 1000 },
    );
  } catch (error) {
    // openid-client refuses a document whose issuer is not the URL it was fetched for.
    const cause = (error as { cause?: { attribute?: unknown; body?: { issuer?: unknown } } }).cause;
    const announced = cause?.attribute === 'issuer' && typeof cause.body?.issuer === 'string' ? cause.body.issuer : undefined;
    if (announced && issuerMismatch(issuer, announced)) {
      report(issuerFailure(source, issuer, announced));
      return;
    }
    const insecure = /http:/.test(source) && !allowInsecureHttp;
    report(
      fail(
        'oidc.discovery',
        `OpenID discovery at ${source} failed: ${errorText(error)}`,
        insecure
          ? "The issuer is http:// but OIDC_ALLOW_INSECURE_HTTP is off: use the IdP's https URL (or, for a local demo only, OIDC_ALLOW_INSECURE_HTTP=true)."
          : 'Check OIDC_ISSUER (Keycloak: https://<host>/realms/<realm>) and that this machine reaches the IdP; set OIDC_DISCOVERY_URL if it reaches it at another address than browsers.',
      ),
    );
    return;
  }
  const announced = configuration.serverMetadata().issuer;
  if (issuerMismatch(issuer, announced)) {
    report(issuerFailure(source, issuer, announced));
    return;
  }
  report(ok('oidc.discovery', `OpenID discovery works: issuer ${issuer}`));

  // The sign-in request a browser would be sent with; the IdP refuses an unregistered redirect URI.
  const verifier = oidc.randomPKCECodeVerifier();
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: config.oidc.scopes,
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
  });
  const registerFix = `Register ${redirectUri} as a valid redirect URI of client "${clientId}" at the IdP (it is PUBLIC_URL + /auth/callback; fix PUBLIC_URL if that is not the address people use).`;
  try {
    const response = await fetch(authorizationUrl, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    const location = response.headers.get('location');
    const back = location ? new URL(location, authorizationUrl) : undefined;
    const error = back && back.href.startsWith(redirectUri) ? back.searchParams.get('error') : null;
    if (error) {
      report(
        fail(
          'oidc.redirect-uri',
          `The IdP refuses the sign-in request for redirect URI ${redirectUri}: ${error}${back?.searchParams.get('error_description') ? ` (${back.searchParams.get('error_description')})` : ''}`,
          `Allow client "${clientId}" the authorization-code flow with PKCE (S256) and the scopes "${config.oidc.scopes}".`,
        ),
      );
    } else if (response.status >= 400) {
      const body = (await response.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      const clientUnknown = /client[^.]{0,40}(not found|unknown|invalid)|invalid[_ ]client/i.test(body);
      report(
        fail(
          'oidc.redirect-uri',
          clientUnknown
            ? `The IdP does not know client "${clientId}" (sign-in request answered ${response.status})`
            : `The IdP refuses the redirect URI ${redirectUri} (sign-in request answered ${response.status})`,
          clientUnknown ? `Create client "${clientId}" at the IdP (or set OIDC_CLIENT_ID to the client's id), with redirect URI ${redirectUri}.` : registerFix,
        ),
      );
    } else {
      report(ok('oidc.redirect-uri', `The IdP accepts the redirect URI ${redirectUri} for client "${clientId}"`));
    }
  } catch (error) {
    report(
      warn(
        'oidc.redirect-uri',
        `Could not reach the IdP's sign-in page ${authorizationUrl.origin} from here (${errorText(error)}); redirect URI ${redirectUri} not checked`,
        "Browsers must reach that address; if they do (docker compose: it is the host's address), this is fine. Otherwise fix OIDC_ISSUER.",
      ),
    );
  }

  // A token request with a code that cannot exist: the IdP checks the client first (invalid_client), then the code (invalid_grant).
  try {
    await oidc.genericGrantRequest(configuration, 'authorization_code', {
      code: 'moderato-doctor-not-a-code',
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    report(warn('oidc.client', 'The IdP issued tokens for a made-up code', 'Your IdP does not check authorization codes: replace it.'));
  } catch (error) {
    const { error: code, status, error_description: description } = error as { error?: string; status?: number; error_description?: string };
    if (code === 'invalid_grant') {
      report(
        ok('oidc.client', `The IdP accepts the client credentials of "${clientId}" (${clientSecret ? 'confidential client' : 'public client, PKCE only'})`),
      );
    } else if (code === 'invalid_client' || code === 'unauthorized_client' || status === 401) {
      report(
        fail(
          'oidc.client',
          `The IdP refuses the credentials of client "${clientId}": ${code ?? status}${description ? ` (${description})` : ''}`,
          clientSecret
            ? 'Copy the client secret from the IdP (Keycloak: Clients → moderato → Credentials) into OIDC_CLIENT_SECRET; the client must use client_secret_post or client_secret_basic.'
            : 'The client is confidential at the IdP: set OIDC_CLIENT_SECRET, or make the client public (PKCE only).',
        ),
      );
    } else {
      report(
        warn(
          'oidc.client',
          `Could not tell whether the IdP accepts client "${clientId}": ${code ?? errorText(error)}`,
          'Sign in once in a browser to see whether the IdP accepts the client.',
        ),
      );
    }
  }
}
