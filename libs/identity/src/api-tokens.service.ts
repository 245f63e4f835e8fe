import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '@moderato/audit';
import { isUUID } from 'class-validator';
import { Clock, DomainError, InvalidInputError } from '@moderato/core';
import { Transactions } from '@moderato/database';
import type { ApiToken, ApiTokenScope } from './api-token.entity';
import type { CreateApiTokenDto } from './dto/api-token.dto';
import { ApiTokensStore } from './api-tokens.store';
import type { Role } from './role-mapping';
import type { User } from './user.entity';

export const API_TOKEN_PREFIX = 'mdt_';
const TOUCH_INTERVAL_MS = 60_000;

export const hashApiToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class ApiTokenNotFound extends DomainError {
  constructor() {
    super('API_TOKEN_NOT_FOUND', 'not_found', 'API token not found');
  }
}

export type ApiTokenCheck = { ok: true; token: ApiToken; user: User } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'disabled' };

export interface TokenActor {
  user: User;
  roles: Role[];
  ip?: string | null;
}

/** Personal access tokens: created by organizers and admins, shown once, stored as SHA-256. */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly store: ApiTokensStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Which scopes a person may put on a token: `admin` only for admins. */
  grantableScopes(roles: Role[]): ApiTokenScope[] {
    const scopes: ApiTokenScope[] = [];
    if (roles.includes('organizer') || roles.includes('admin')) scopes.push('meetings:read', 'meetings:write');
    if (roles.includes('admin')) scopes.push('admin');
    return scopes;
  }

  async create(actor: TokenActor, dto: CreateApiTokenDto): Promise<{ token: string; record: ApiToken }> {
    const grantable = this.grantableScopes(actor.roles);
    const refused = dto.scopes.filter((scope) => !grantable.includes(scope));
    if (refused.length) throw new InvalidInputError([{ field: 'scopes', messages: [`you may not grant: ${refused.join(', ')}`] }]);
    const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.clock.now();
    return this.transactions.run(async (tx) => {
      const record = await this.store.insert(
        {
          userId: actor.user.id,
          name: dto.name,
          tokenHash: hashApiToken(token),
          prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
          scopes: [...new Set(dto.scopes)],
          expiresAt: new Date(now.getTime() + dto.expiresInDays * 86_400_000),
          createdAt: now,
        },
        tx,
      );
      await this.audit.record(
        {
          action: 'api_token.created',
          actor: { id: actor.user.id, label: actor.user.email },
          ip: actor.ip ?? null,
          subject: { type: 'api_token', id: record.id },
          metadata: { name: record.name, scopes: record.scopes, expiresAt: record.expiresAt.toISOString() },
        },
        tx,
      );
      return { token, record };
    });
  }

  /** A person's tokens (newest first), revoked ones included so the history stays visible. */
  list(userId: string): Promise<ApiToken[]> {
    return this.store.listOf(userId);
  }

  /** Revokes a token; `ownerId` limits it to that person's tokens (admins pass none). */
  async revoke(tokenId: string, actor: { id: string | null; label: string | null; ip?: string | null }, ownerId?: string): Promise<ApiToken> {
    if (!isUUID(tokenId)) throw new ApiTokenNotFound();
    return this.transactions.run(async (tx) => {
      const token = await this.store.lock(tokenId, ownerId, tx);
      if (!token) throw new ApiTokenNotFound();
      if (token.revokedAt) return token;
      token.revokedAt = this.clock.now();
      await this.store.save(token, tx);
      await this.audit.record(
        {
          action: 'api_token.revoked',
          actor,
          ip: actor.ip ?? null,
          subject: { type: 'api_token', id: token.id },
          metadata: { name: token.name, owner: token.userId },
        },
        tx,
      );
      return token;
    });
  }

  /** Checks a bearer token; a live one gets "last used" moved forward (at most once a minute). */
  async authenticate(token: string, ip: string | null): Promise<ApiTokenCheck> {
    if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: 'unknown' };
    const record = await this.store.findByHash(hashApiToken(token));
    if (!record?.user) return { ok: false, reason: 'unknown' };
    if (record.revokedAt) return { ok: false, reason: 'revoked' };
    const now = this.clock.now();
    if (now >= record.expiresAt) return { ok: false, reason: 'expired' };
    if (record.user.disabled) return { ok: false, reason: 'disabled' };
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS || record.lastUsedIp !== ip) {
      await this.store.touch(record.id, now, ip);
      record.lastUsedAt = now;
      record.lastUsedIp = ip;
    }
    return { ok: true, token: record, user: record.user };
  }
}
