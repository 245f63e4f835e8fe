import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AuditService } from '@moderato/audit';
import { Clock } from '@moderato/core';
import { PolicyService } from '@moderato/policy';
import { SessionNotFound } from './identity.errors';
import type { Session } from './session.entity';
import { SessionsStore, type LiveAt } from './sessions.store';
import type { User } from './user.entity';

export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Writes "last seen" at most this often, so that browsing does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export type SessionCheck = { ok: true; session: Session; user: User } | { ok: false; reason: 'unknown' | 'revoked' | 'idle' | 'expired' | 'disabled' };

/**
 * Server-side sessions: the cookie holds a random token, the table only its SHA-256. A session
 * ends after the policy's idle time without a request, its maximum length after login, when revoked,
 * or when its user is disabled.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly store: SessionsStore,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(user: User, details: { idToken?: string | null; userAgent?: string | null; ip?: string | null }) {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const { sessionMaxHours } = await this.policy.current();
    const session = await this.store.insert({
      tokenHash: hashSessionToken(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + sessionMaxHours * 3600_000),
      idToken: details.idToken ?? null,
      userAgent: details.userAgent?.slice(0, 512) ?? null,
      ip: details.ip ?? null,
    });
    return { token, session };
  }

  /** Checks the cookie's token; a live session gets its "last seen" moved forward. */
  async check(token: string): Promise<SessionCheck> {
    // Every signed-in request runs this: one prepared statement, and a second at most once a minute.
    const session = await this.store.findForCheck(hashSessionToken(token));
    if (!session) return { ok: false, reason: 'unknown' };
    const user = session.user!;
    const now = this.clock.now();
    if (session.revokedAt) return { ok: false, reason: 'revoked' };
    if (user.disabled) return { ok: false, reason: 'disabled' };
    if (now >= session.expiresAt) return { ok: false, reason: 'expired' };
    const { sessionIdleMinutes } = await this.policy.current();
    if (now.getTime() - session.lastSeenAt.getTime() >= sessionIdleMinutes * 60_000) {
      return { ok: false, reason: 'idle' };
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.store.touch(session.id, now);
      session.lastSeenAt = now;
    }
    return { ok: true, session, user };
  }

  /** The IdP's ID token of a session (for the IdP's sign-out), which check() does not load. */
  idTokenOf(sessionId: string): Promise<string | null> {
    return this.store.idTokenOf(sessionId);
  }

  /** Sessions of a user that can still be used, most recent first. */
  async listActive(userId: string): Promise<Session[]> {
    return this.store.listLive(userId, await this.liveAt());
  }

  /** Every live session (administration), most recently used first, with its user. */
  async listAllActive(options: { page: number; pageSize: number }): Promise<{ sessions: Session[]; total: number }> {
    return this.store.pageLive(options, await this.liveAt());
  }

  /** The live session with this id, or null. */
  async findActive(sessionId: string): Promise<Session | null> {
    return this.store.findLive(sessionId, await this.liveAt());
  }

  private async liveAt(): Promise<LiveAt> {
    const now = this.clock.now();
    const { sessionIdleMinutes } = await this.policy.current();
    return { now, idleCutoff: new Date(now.getTime() - sessionIdleMinutes * 60_000) };
  }

  /** Ends one session of `userId` (a person can only end their own; admins use revokeById). */
  async revokeOwn(userId: string, sessionId: string): Promise<Session> {
    const session = await this.store.findUnrevokedOf(userId, sessionId);
    if (!session) throw new SessionNotFound();
    session.revokedAt = this.clock.now();
    return this.store.save(session);
  }

  /**
   * "Sign out there" on the account's sessions page: ends one of the person's own sessions
   * (`current`: the one they use now), audited.
   */
  async signOutOwn(user: User, sessionId: string, options: { current: boolean; ip?: string | null }): Promise<void> {
    await this.revokeOwn(user.id, sessionId);
    await this.audit.record({
      action: 'session.revoked',
      actor: { id: user.id, label: user.email },
      subject: { type: 'session', id: sessionId },
      metadata: { by: 'owner', current: options.current },
      ip: options.ip,
    });
  }

  /** "Sign out everywhere": ends every session of the person, audited. */
  async signOutEverywhere(user: User, ip?: string | null): Promise<void> {
    const count = await this.revokeAll(user.id);
    await this.audit.record({
      action: 'session.revoked',
      actor: { id: user.id, label: user.email },
      subject: { type: 'user', id: user.id },
      metadata: { by: 'owner', scope: 'all', count },
      ip,
    });
  }

  async revoke(sessionId: string): Promise<void> {
    await this.store.revoke(sessionId, this.clock.now());
  }

  /** An admin ends someone's live session (audited); SessionNotFound when there is none with this id. */
  async revokeAsAdmin(sessionId: string, actor: { id: string | null; label: string | null; ip?: string | null }): Promise<Session> {
    const session = isUUID(sessionId) ? await this.findActive(sessionId) : null;
    if (!session) throw new SessionNotFound();
    await this.revoke(session.id);
    await this.audit.record({
      action: 'session.revoked',
      actor,
      ip: actor.ip ?? null,
      subject: { type: 'session', id: session.id },
      metadata: { by: 'admin', userId: session.userId, email: session.user?.email },
    });
    return session;
  }

  /** An admin ends every session of a user (audited); returns how many were open. */
  async revokeAllAsAdmin(user: User, actor: { id: string | null; label: string | null; ip?: string | null }): Promise<number> {
    const count = await this.revokeAll(user.id);
    await this.audit.record({
      action: 'session.revoked',
      actor,
      ip: actor.ip ?? null,
      subject: { type: 'user', id: user.id },
      metadata: { by: 'admin', all: true, count, email: user.email },
    });
    return count;
  }

  /** Ends every session of a user; returns how many were open. */
  revokeAll(userId: string): Promise<number> {
    return this.store.revokeAllOf(userId, this.clock.now());
  }
}
