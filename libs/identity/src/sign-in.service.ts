import { Injectable } from '@nestjs/common';
import { AuditService } from '@moderato/audit';
import { AppConfig } from '@moderato/config';
import { Clock, DomainError } from '@moderato/core';
import { metrics } from '@moderato/metrics';
import { InvalidCredentials, LoginFailed, type CredentialsProblem } from './identity.errors';
import { LdapService } from './ldap/ldap.service';
import { OidcService, type LoginTransaction } from './oidc.service';
import type { Session } from './session.entity';
import { SessionsService } from './sessions.service';
import type { User } from './user.entity';
import { UsersService } from './users.service';

/** Failed LDAP sign-ins per username before the account's sign-in pauses (brute force). */
const MAX_FAILURES_PER_USERNAME = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

/**
 * The key of the per-username failure counter: NFKC and case folding, the way the directory
 * compares names, so "ｓtudent2" (fullwidth s) or "STUDENT2" do not get fresh guesses for student2.
 */
function usernameKey(typed: string): string {
  // Upper then lower case folds what lower case alone keeps apart (ß and ẞ, ς and σ, ﬀ via NFKC).
  return typed.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** The browser a sign-in comes from. */
export interface SignInContext {
  ip: string | null | undefined;
  userAgent: string | null;
  /** The session the browser is signed in with now, if any: the sign-in ends it. */
  currentSessionId: string | null;
  /** Whether the browser sent a (validly signed) session cookie, live or not. */
  hadSessionCookie: boolean;
}

/** A new session: its cookie token is handed to the browser once. */
export interface SignedIn {
  user: User;
  session: Session;
  token: string;
}

/** An LDAP sign-in: signed in, or refused with one message (`too_many_failures`: a pause). */
export type LdapSignIn = ({ ok: true } & SignedIn) | { ok: false; status: 401 | 429; problem: CredentialsProblem };

/**
 * The sign-in and sign-out sequences, whatever the HTTP side looks like: LDAP (the brute-force
 * pause, the directory check, the account, the session, the audit trail) and the OpenID Connect
 * callback (its checks, the account, the session, the audit trail).
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly ldap: LdapService,
    private readonly oidc: OidcService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get ldapEnabled(): boolean {
    return this.ldap.enabled;
  }

  /** Starts an OpenID Connect sign-in: the IdP URL, and the transaction the callback needs. */
  beginOidc(returnTo: string, options: { forceLogin?: boolean } = {}): Promise<{ url: string; transaction: LoginTransaction }> {
    return this.oidc.beginLogin(returnTo, options);
  }

  /**
   * LDAP sign-in: service bind → search → bind as the person → groups → roles, then the same
   * user and session machinery as OpenID Connect. `typed` is the username as typed (for the
   * failure counter), `credentials` the validated form (null: the form was not valid).
   * Refusals are audited and returned; anything else (the directory down) is thrown.
   */
  async withLdap(
    attempt: { typed: string; credentials: { username: string; password: string } | null; passwordGiven: boolean },
    context: SignInContext,
  ): Promise<LdapSignIn> {
    const username = usernameKey(attempt.typed);
    const refuse = async (error: InvalidCredentials, status: 401 | 429): Promise<LdapSignIn> => {
      metrics.signIn('ldap', status === 429 ? 'refused' : 'failed');
      await this.audit.record({
        action: 'auth.login_failed',
        metadata: { code: error.code, details: error.details ?? null, method: 'ldap', username },
        ip: context.ip,
      });
      return { ok: false, status, problem: error.problem };
    };
    if (!attempt.credentials) return refuse(new InvalidCredentials(attempt.passwordGiven ? 'invalid_username' : 'empty_password'), 401);
    const since = new Date(this.clock.now().getTime() - FAILURE_WINDOW_MS);
    if (username && (await this.audit.countSince('auth.login_failed', since, { method: 'ldap', username })) >= MAX_FAILURES_PER_USERNAME) {
      return refuse(new InvalidCredentials('too_many_failures'), 429);
    }
    try {
      const profile = await this.ldap.authenticate(attempt.credentials.username, attempt.credentials.password);
      const user = await this.users.upsertFromLogin(profile);
      return { ok: true, ...(await this.startSession(user, null, 'ldap', context)) };
    } catch (error) {
      if (error instanceof InvalidCredentials) return refuse(error, 401);
      await this.auditFailure(error, { method: 'ldap', username }, context.ip);
      throw error;
    }
  }

  /**
   * The OpenID Connect callback: the IdP's answer checked against the transaction (state, nonce,
   * PKCE), then the account and the session. Every failure is audited and thrown.
   */
  async withOidc(callbackUrl: URL, transaction: LoginTransaction | undefined, context: SignInContext): Promise<SignedIn> {
    try {
      const { profile, idToken } = await this.oidc.completeLogin(callbackUrl, transaction);
      const user = await this.users.upsertFromLogin(profile);
      return await this.startSession(user, idToken, 'oidc', context);
    } catch (error) {
      await this.auditFailure(error, {}, context.ip);
      throw error;
    }
  }

  /** "Switch account": ends the session (the browser signs in anew). */
  async switchAccount(user: User, session: Session, ip: string | null | undefined): Promise<void> {
    await this.sessions.revoke(session.id);
    await this.audit.record({
      action: 'auth.logout',
      actor: { id: user.id, label: user.email },
      subject: { type: 'session', id: session.id },
      metadata: { switchAccount: true },
      ip,
    });
  }

  /** Ends the session; returns where to end the IdP's session too (null: nowhere, e.g. LDAP). */
  async signOut(user: User, session: Session, ip: string | null | undefined): Promise<string | null> {
    await this.sessions.revoke(session.id);
    await this.audit.record({
      action: 'auth.logout',
      actor: { id: user.id, label: user.email },
      subject: { type: 'session', id: session.id },
      ip,
    });
    // An LDAP session has no IdP session to end.
    const idToken = this.config.oidc.enabled ? await this.sessions.idTokenOf(session.id) : null;
    return idToken ? this.oidc.logoutUrl(idToken) : null;
  }

  /** No session fixation: whatever session the browser had ends; a new id is issued. */
  private async startSession(user: User, idToken: string | null, method: 'oidc' | 'ldap', context: SignInContext): Promise<SignedIn> {
    if (context.currentSessionId) await this.sessions.revoke(context.currentSessionId);
    const { token, session } = await this.sessions.create(user, { idToken, userAgent: context.userAgent, ip: context.ip ?? null });
    metrics.signIn(method, 'success');
    await this.audit.record({
      action: 'auth.login',
      actor: { id: user.id, label: user.email },
      subject: { type: 'session', id: session.id },
      metadata: { roles: this.users.rolesOf(user), idpRoles: user.idpRoles, replacedSession: context.hadSessionCookie, method },
      ip: context.ip,
    });
    return { user, session, token };
  }

  /** A refused sign-in in the audit log: `auth.login_failed` (a check failed) or `auth.login_refused`. */
  private async auditFailure(error: unknown, metadata: Record<string, unknown>, ip: string | null | undefined): Promise<void> {
    if (!(error instanceof DomainError)) return;
    metrics.signIn(metadata.method === 'ldap' ? 'ldap' : 'oidc', error instanceof LoginFailed ? 'failed' : 'refused');
    await this.audit.record({
      action: error instanceof LoginFailed ? 'auth.login_failed' : 'auth.login_refused',
      metadata: { code: error.code, details: error.details ?? null, ...metadata },
      ip,
    });
  }
}
