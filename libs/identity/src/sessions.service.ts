import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type Repository } from 'typeorm';
import { isUUID } from 'class-validator';
import { AuditService } from '@moderato/audit';
import { EntityColumns, preparedQuery, rowReader, namedStatement } from '@moderato/database';
import { Clock } from '@moderato/core';
import { PolicyService } from '@moderato/policy';
import { SessionNotFound } from './identity.errors';
import { Session } from './session.entity';
import { User } from './user.entity';

export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Writes "last seen" at most this often, so that browsing does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const TOUCH_STATEMENT = namedStatement('moderato_session_touch', 'UPDATE "sessions" SET "last_seen_at" = $1 WHERE "id" = $2');

export type SessionCheck = { ok: true; session: Session; user: User } | { ok: false; reason: 'unknown' | 'revoked' | 'idle' | 'expired' | 'disabled' };

/**
 * Server-side sessions: the cookie holds a random token, the table only its SHA-256. A session
 * ends after the policy's idle time without a request, its maximum length after login, when revoked,
 * or when its user is disabled.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    // The ID token (a kilobyte, needed only to sign out at the IdP) is not read on every request.
    this.sessionColumns = new EntityColumns(dataSource, Session, { except: ['idToken'] });
    this.userColumns = new EntityColumns(dataSource, User);
    this.checkStatement = namedStatement(
      'moderato_session_check',
      `SELECT ${this.sessionColumns.select('s')}, ${this.userColumns.select('u')} FROM "sessions" "s" JOIN "users" "u" ON "u"."id" = "s"."user_id" WHERE "s"."token_hash" = $1`,
    );
  }

  private readonly sessionColumns: EntityColumns<Session>;
  private readonly userColumns: EntityColumns<User>;
  private readonly checkStatement: { name: string; text: string };

  async create(user: User, details: { idToken?: string | null; userAgent?: string | null; ip?: string | null }) {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const { sessionMaxHours } = await this.policy.current();
    const session = await this.sessions.save(
      this.sessions.create({
        tokenHash: hashSessionToken(token),
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + sessionMaxHours * 3600_000),
        idToken: details.idToken ?? null,
        userAgent: details.userAgent?.slice(0, 512) ?? null,
        ip: details.ip ?? null,
      }),
    );
    return { token, session };
  }

  /** Checks the cookie's token; a live session gets its "last seen" moved forward. */
  async check(token: string): Promise<SessionCheck> {
    // Every signed-in request runs this: one prepared statement on the pool (see hot-path.ts).
    const [row] = await preparedQuery(this.dataSource, this.checkStatement, [hashSessionToken(token)]);
    if (!row) return { ok: false, reason: 'unknown' };
    const next = rowReader(row);
    const session = next(this.sessionColumns)!;
    session.user = next(this.userColumns)!;
    const now = this.clock.now();
    if (session.revokedAt) return { ok: false, reason: 'revoked' };
    if (session.user.disabled) return { ok: false, reason: 'disabled' };
    if (now >= session.expiresAt) return { ok: false, reason: 'expired' };
    const { sessionIdleMinutes } = await this.policy.current();
    if (now.getTime() - session.lastSeenAt.getTime() >= sessionIdleMinutes * 60_000) {
      return { ok: false, reason: 'idle' };
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await preparedQuery(this.dataSource, TOUCH_STATEMENT, [now, session.id]);
      session.lastSeenAt = now;
    }
    return { ok: true, session, user: session.user };
  }

  /** The IdP's ID token of a session (for the IdP's sign-out), which check() does not load. */
  async idTokenOf(sessionId: string): Promise<string | null> {
    const session = await this.sessions.findOne({ where: { id: sessionId }, select: { id: true, idToken: true } });
    return session?.idToken ?? null;
  }

  /** Sessions of a user that can still be used, most recent first. */
  async listActive(userId: string): Promise<Session[]> {
    return this.sessions.find({ where: { userId, ...(await this.liveConditions()) }, order: { lastSeenAt: 'DESC' } });
  }

  /** Every live session (administration), most recently used first, with its user. */
  async listAllActive(options: { page: number; pageSize: number }): Promise<{ sessions: Session[]; total: number }> {
    const [sessions, total] = await this.sessions.findAndCount({
      where: await this.liveConditions(),
      relations: { user: true },
      order: { lastSeenAt: 'DESC' },
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
    });
    return { sessions, total };
  }

  /** The live session with this id, or null. */
  async findActive(sessionId: string): Promise<Session | null> {
    return this.sessions.findOne({ where: { id: sessionId, ...(await this.liveConditions()) }, relations: { user: true } });
  }

  private async liveConditions() {
    const now = this.clock.now();
    const { sessionIdleMinutes } = await this.policy.current();
    const idleCutoff = new Date(now.getTime() - sessionIdleMinutes * 60_000);
    return { revokedAt: IsNull(), expiresAt: MoreThan(now), lastSeenAt: MoreThan(idleCutoff) };
  }

  /** Ends one session of `userId` (a person can only end their own; admins use revokeById). */
  async revokeOwn(userId: string, sessionId: string): Promise<Session> {
    const session = await this.sessions.findOneBy({ id: sessionId, userId, revokedAt: IsNull() });
    if (!session) throw new SessionNotFound();
    session.revokedAt = this.clock.now();
    return this.sessions.save(session);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
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
  async revokeAll(userId: string): Promise<number> {
    const result = await this.sessions.update({ userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    return result.affected ?? 0;
  }
}
