import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource } from 'typeorm';
import { managerOf, type Tx } from '@moderato/database';
import { ApiToken } from './api-token.entity';

/** The table `api_tokens` (identity owns it). */
@Injectable()
export class ApiTokensStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(fields: Pick<ApiToken, 'userId' | 'name' | 'tokenHash' | 'prefix' | 'scopes' | 'expiresAt' | 'createdAt'>, tx?: Tx): Promise<ApiToken> {
    const tokens = managerOf(tx, this.dataSource).getRepository(ApiToken);
    return tokens.save(tokens.create(fields));
  }

  /** A person's tokens, newest first, revoked ones included. */
  listOf(userId: string): Promise<ApiToken[]> {
    return this.dataSource.getRepository(ApiToken).find({ where: { userId }, order: { createdAt: 'DESC' } });
  }

  /** The token with this id (of `ownerId` when given), locked until `tx` ends. */
  lock(tokenId: string, ownerId: string | undefined, tx: Tx): Promise<ApiToken | null> {
    return managerOf(tx, this.dataSource)
      .getRepository(ApiToken)
      .findOne({ where: { id: tokenId, ...(ownerId ? { userId: ownerId } : {}) }, lock: { mode: 'pessimistic_write' } });
  }

  save(token: ApiToken, tx?: Tx): Promise<ApiToken> {
    return managerOf(tx, this.dataSource).getRepository(ApiToken).save(token);
  }

  /** The token with this hash and its owner (`token.user`), whatever its state. */
  findByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.dataSource.getRepository(ApiToken).findOne({ where: { tokenHash }, relations: { user: true } });
  }

  /** Deletes every token of a user (person deletion); returns how many. */
  async deleteAllOf(userId: string, tx: Tx): Promise<number> {
    const result = await managerOf(tx, this.dataSource).getRepository(ApiToken).delete({ userId });
    return result.affected ?? 0;
  }

  /** Notes a use of a token that is not revoked. */
  async touch(tokenId: string, at: Date, ip: string | null): Promise<void> {
    await this.dataSource.getRepository(ApiToken).update({ id: tokenId, revokedAt: IsNull() }, { lastUsedAt: at, lastUsedIp: ip });
  }
}
