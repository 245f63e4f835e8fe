import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, MoreThan, type DataSource } from 'typeorm';
import { EntityColumns, managerOf, namedStatement, preparedQuery, rowReader, type NamedStatement, type Tx } from '@moderato/database';
import { Session } from './session.entity';
import { User } from './user.entity';

/** What makes a session live: not revoked, not past its end, used since `idleCutoff`. */
export interface LiveAt {
  now: Date;
  idleCutoff: Date;
}

/** The table `sessions` (identity owns it), and the session check's statements. */
@Injectable()
export class SessionsStore {
  private readonly sessionColumns: EntityColumns<Session>;
  private readonly userColumns: EntityColumns<User>;
  private readonly checkStatement: NamedStatement;
  private readonly touchStatement: NamedStatement;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    // The ID token (a kilobyte, needed only to sign out at the IdP) is not read on every request.
    this.sessionColumns = new EntityColumns(dataSource, Session, { except: ['idToken'] });
    this.userColumns = new EntityColumns(dataSource, User);
    this.checkStatement = namedStatement(
      'moderato_session_check',
      `SELECT ${this.sessionColumns.select('s')}, ${this.userColumns.select('u')} FROM "sessions" "s" JOIN "users" "u" ON "u"."id" = "s"."user_id" WHERE "s"."token_hash" = $1`,
    );
    this.touchStatement = namedStatement('moderato_session_touch', 'UPDATE "sessions" SET "last_seen_at" = $1 WHERE "id" = $2');
  }

  /**
   * The session with this token hash and its user (`session.user`), whatever its state. Every
   * signed-in request runs this: one prepared statement on the pool (see hot-path.ts).
   */
  async findForCheck(tokenHash: string): Promise<Session | undefined> {
    const [row] = await preparedQuery(this.dataSource, this.checkStatement, [tokenHash]);
    if (!row) return undefined;
    const next = rowReader(row);
    const session = next(this.sessionColumns)!;
    session.user = next(this.userColumns)!;
    return session;
  }

  /** Moves "last seen" forward (the check does, at most once a minute per session). */
  async touch(sessionId: string, at: Date): Promise<void> {
    await preparedQuery(this.dataSource, this.touchStatement, [at, sessionId]);
  }

  insert(fields: Omit<Session, 'id' | 'user' | 'revokedAt'>): Promise<Session> {
    const sessions = this.dataSource.getRepository(Session);
    return sessions.save(sessions.create(fields));
  }

  /** The IdP's ID token of a session, which the check does not load. */
  async idTokenOf(sessionId: string): Promise<string | null> {
    const session = await this.dataSource.getRepository(Session).findOne({ where: { id: sessionId }, select: { id: true, idToken: true } });
    return session?.idToken ?? null;
  }

  /** Live sessions of a user, most recent first. */
  listLive(userId: string, live: LiveAt): Promise<Session[]> {
    return this.dataSource.getRepository(Session).find({ where: { userId, ...liveConditions(live) }, order: { lastSeenAt: 'DESC' } });
  }

  /** Every live session, most recently used first, with its user, one page at a time. */
  async pageLive(options: { page: number; pageSize: number }, live: LiveAt): Promise<{ sessions: Session[]; total: number }> {
    const [sessions, total] = await this.dataSource.getRepository(Session).findAndCount({
      where: liveConditions(live),
      relations: { user: true },
      order: { lastSeenAt: 'DESC' },
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
    });
    return { sessions, total };
  }

  /** The live session with this id, with its user, or null. */
  findLive(sessionId: string, live: LiveAt): Promise<Session | null> {
    return this.dataSource.getRepository(Session).findOne({ where: { id: sessionId, ...liveConditions(live) }, relations: { user: true } });
  }

  /** A session of this user that is not revoked, or null. */
  findUnrevokedOf(userId: string, sessionId: string): Promise<Session | null> {
    return this.dataSource.getRepository(Session).findOneBy({ id: sessionId, userId, revokedAt: IsNull() });
  }

  save(session: Session): Promise<Session> {
    return this.dataSource.getRepository(Session).save(session);
  }

  async revoke(sessionId: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(Session).update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** Every session of a user, newest first, without the token hash and the ID token (the export). */
  allOf(userId: string): Promise<Pick<Session, 'id' | 'createdAt' | 'lastSeenAt' | 'expiresAt' | 'revokedAt' | 'ip' | 'userAgent'>[]> {
    return this.dataSource.getRepository(Session).find({
      where: { userId },
      select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, revokedAt: true, ip: true, userAgent: true },
      order: { createdAt: 'DESC' },
    });
  }

  /** Deletes every session of a user (person deletion); returns how many. */
  async deleteAllOf(userId: string, tx: Tx): Promise<number> {
    const result = await managerOf(tx, this.dataSource).getRepository(Session).delete({ userId });
    return result.affected ?? 0;
  }

  /**
   * Deletes the sessions that ended before `cutoff` (retention) with their ID tokens: revoked,
   * past their absolute end, or idle for `idleMinutes` (ended at last use + idle time).
   */
  async deleteEndedBefore(cutoff: Date, idleMinutes: number, tx?: Tx): Promise<number> {
    const [, affected] = await managerOf(tx, this.dataSource).query(
      `DELETE FROM sessions WHERE revoked_at < $1 OR expires_at < $1 OR last_seen_at + make_interval(mins => $2::int) < $1`,
      [cutoff, idleMinutes],
    );
    return Number(affected) || 0;
  }

  /** Revokes every open session of a user; returns how many were open. */
  async revokeAllOf(userId: string, at: Date, tx?: Tx): Promise<number> {
    const result = await managerOf(tx, this.dataSource).getRepository(Session).update({ userId, revokedAt: IsNull() }, { revokedAt: at });
    return result.affected ?? 0;
  }
}

function liveConditions({ now, idleCutoff }: LiveAt) {
  return { revokedAt: IsNull(), expiresAt: MoreThan(now), lastSeenAt: MoreThan(idleCutoff) };
}
