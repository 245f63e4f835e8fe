import { Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AppConfig } from '@moderato/config';
import { ianaTimeZone } from '@moderato/core';
import { PolicyService } from '@moderato/policy';
import { emailVerifiedFrom } from './email-trust';
import { LoginFailed, SignInUnavailable } from './identity.errors';
import { discoveryDocumentUrl, issuerMismatch } from './issuer';
import { rolesFromClaims } from './role-mapping';
import type { IdentityProfile } from './users.service';

/** What must survive the round trip to the IdP; kept in a signed, short-lived cookie. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface CompletedLogin {
  profile: IdentityProfile;
  idToken: string | null;
}

const DISCOVERY_RETRY_MS = 10_000;

/** The discovery document names another issuer than OIDC_ISSUER: a setting to correct, not an outage. */
class MisconfiguredIssuer extends Error {}

/** The issuer a discovery document announced, from openid-client's "issuer does not match" error. */
function announcedIssuerOf(error: unknown): string | undefined {
  const cause = (error as { cause?: { attribute?: unknown; body?: { issuer?: unknown } } } | null)?.cause;
  return cause?.attribute === 'issuer' && typeof cause.body?.issuer === 'string' ? cause.body.issuer : undefined;
}

/**
 * OpenID Connect relying party (openid-client): authorization code + PKCE + state + nonce,
 * against any compliant IdP found by discovery at OIDC_ISSUER.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('Oidc');
  private configuration?: Promise<oidc.Configuration>;
  private failedAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly policy: PolicyService,
  ) {}

  get redirectUri(): string {
    return `${this.config.publicUrl}/auth/callback`;
  }

  /** Discovery, once; a failure is retried on a later login (the IdP may start after us). */
  private discover(): Promise<oidc.Configuration> {
    if (!this.configuration || (this.failedAt && performance.now() - this.failedAt > DISCOVERY_RETRY_MS)) {
      const { issuer, discoveryUrl, clientId, clientSecret, allowInsecureHttp } = this.config.oidc;
      this.failedAt = 0;
      this.configuration = oidc
        .discovery(
          new URL(discoveryUrl ?? issuer),
          clientId,
          clientSecret ? { client_secret: clientSecret } : undefined,
          clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None(),
          { execute: allowInsecureHttp ? [oidc.allowInsecureRequests] : [], timeout: 10 },
        )
        .then((configuration) => {
          // openid-client compares URLs (http://h and http://h/ alike) and only when discovering from
          // the issuer; the spec and every token's `iss` want the exact string.
          const mismatch = issuerMismatch(issuer, configuration.serverMetadata().issuer);
          if (mismatch) throw new MisconfiguredIssuer(mismatch);
          return configuration;
        })
        .catch((error: unknown) => {
          this.failedAt = performance.now();
          const announced = announcedIssuerOf(error);
          const mismatch = error instanceof MisconfiguredIssuer ? error.message : announced ? issuerMismatch(issuer, announced) : null;
          if (mismatch) {
            this.logger.error(`OpenID sign-in is misconfigured: ${mismatch}`);
            throw new SignInUnavailable(mismatch, 'oidc', 'configuration');
          }
          this.logger.error({ err: error }, `OpenID discovery at ${discoveryUrl ?? discoveryDocumentUrl(issuer)} failed`);
          throw new SignInUnavailable(`The identity provider at ${issuer} did not answer discovery`);
        });
    }
    return this.configuration;
  }

  /** Starts a login: the IdP URL to send the browser to, and the transaction to remember. */
  async beginLogin(returnTo: string, options: { forceLogin?: boolean } = {}): Promise<{ url: string; transaction: LoginTransaction }> {
    const configuration = await this.discover();
    const transaction: LoginTransaction = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      returnTo,
    };
    const { sessionMaxHours } = await this.policy.current();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.config.oidc.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
      // Re-authenticate at the IdP once its login is older than our session may live.
      max_age: String(sessionMaxHours * 3600),
      // "Switch account": the IdP must ask for credentials even if its session is alive.
      ...(options.forceLogin ? { prompt: 'login' } : {}),
    });
    return { url: url.href, transaction };
  }

  /** Completes a login from the callback URL; every check failing is a LoginFailed. */
  async completeLogin(callbackUrl: URL, transaction: LoginTransaction | undefined): Promise<CompletedLogin> {
    if (!transaction) throw new LoginFailed('no_transaction');
    const params = callbackUrl.searchParams;
    if (params.get('error')) throw new LoginFailed('idp_error', params.get('error_description') ?? params.get('error') ?? undefined);
    if (params.get('state') !== transaction.state) throw new LoginFailed('state_mismatch');
    const configuration = await this.discover();

    const { sessionMaxHours } = await this.policy.current();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
        maxAge: sessionMaxHours * 3600,
      });
    } catch (error) {
      if (error instanceof TypeError) throw new SignInUnavailable('The identity provider did not answer the token request');
      const code = (error as { error?: unknown }).error;
      if (code === 'invalid_client' || code === 'unauthorized_client') {
        // Only the administrator can fix a client id or secret the IdP refuses.
        this.logger.error(
          { err: error },
          `OpenID sign-in is misconfigured: the IdP refuses client "${this.config.oidc.clientId}" (${code}); check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET`,
        );
        throw new SignInUnavailable(`the identity provider refuses client ${this.config.oidc.clientId}: ${code}`, 'oidc', 'configuration');
      }
      this.logger.warn({ err: error }, 'OpenID callback refused');
      throw new LoginFailed('invalid_response', (error as Error).message);
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new LoginFailed('invalid_response', 'no ID token');
    let userInfo: Record<string, unknown> = {};
    try {
      userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
    } catch (error) {
      // Claims from the ID token are enough when userinfo is not offered.
      this.logger.warn({ err: error }, 'userinfo request failed; using ID token claims');
    }
    const claims: Record<string, unknown> = { ...idClaims, ...userInfo };
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (!email) throw new LoginFailed('missing_email');
    const name = [claims.name, [claims.given_name, claims.family_name].filter(Boolean).join(' '), claims.preferred_username, email].find(
      (value): value is string => typeof value === 'string' && value.trim() !== '',
    )!;
    return {
      idToken: tokens.id_token ?? null,
      profile: {
        issuer: idClaims.iss,
        subject: idClaims.sub,
        email,
        emailVerified: emailVerifiedFrom(claims, email, this.config.oidc.trustedEmailDomains),
        displayName: name.trim(),
        avatarUrl: typeof claims.picture === 'string' && /^https?:\/\//.test(claims.picture) ? claims.picture : null,
        idpRoles: rolesFromClaims(claims, this.config.oidc.roleClaims, this.config.oidc.groupRoleMap),
        // OpenID Connect's `zoneinfo` (profile scope): kept only when it names a real IANA zone.
        timezone: typeof claims.zoneinfo === 'string' ? (ianaTimeZone(claims.zoneinfo.trim()) ?? null) : null,
      },
    };
  }

  /** The IdP's end-session URL for RP-initiated logout, or null if it offers none. */
  async logoutUrl(idToken: string | null): Promise<string | null> {
    let configuration: oidc.Configuration;
    try {
      configuration = await this.discover();
    } catch {
      return null;
    }
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    const parameters: Record<string, string> = {
      post_logout_redirect_uri: `${this.config.publicUrl}/`,
      client_id: this.config.oidc.clientId,
    };
    if (idToken) parameters.id_token_hint = idToken;
    return oidc.buildEndSessionUrl(configuration, parameters).href;
  }
}
