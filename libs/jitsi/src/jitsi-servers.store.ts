import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type DeepPartial, In, IsNull } from 'typeorm';
import { managerOf, type Tx, isUniqueViolation } from '@moderato/database';
import type { PolicyServerDirectory } from '@moderato/policy';
import { JitsiServer } from './jitsi-server.entity';
import { JitsiSigningKey } from './jitsi-signing-key.entity';
import { JitsiServerNameTaken } from './jitsi.errors';

/**
 * The servers' tables: `jitsi_servers` and their RS256 keys (`jitsi_signing_keys`). Also tells
 * policy which server ids exist (its POLICY_SERVER_DIRECTORY).
 */
@Injectable()
export class JitsiServersStore implements PolicyServerDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every server, by name. */
  list(): Promise<JitsiServer[]> {
    return this.dataSource.getRepository(JitsiServer).find({ order: { name: 'ASC' } });
  }

  /** The enabled servers, oldest first. */
  enabled(tx?: Tx): Promise<JitsiServer[]> {
    return managerOf(tx, this.dataSource)
      .getRepository(JitsiServer)
      .find({ where: { enabled: true }, order: { createdAt: 'ASC' } });
  }

  /** `id` must be a UUID. */
  find(id: string, tx?: Tx): Promise<JitsiServer | null> {
    return managerOf(tx, this.dataSource).getRepository(JitsiServer).findOneBy({ id });
  }

  /** Only the events secret's hash (the presence endpoints' check); null server = unknown id. */
  async eventsSecretHash(id: string): Promise<{ hash: string | null } | null> {
    const rows: { hash: string | null }[] = await this.dataSource.query('SELECT "events_secret_hash" AS "hash" FROM "jitsi_servers" WHERE "id" = $1', [id]);
    return rows[0] ?? null;
  }

  /** Replaces the events secret's hash. */
  async setEventsSecretHash(id: string, hash: string, at: Date, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(JitsiServer).update({ id }, { eventsSecretHash: hash, eventsSecretSetAt: at });
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(JitsiServer).count();
  }

  async existing(ids: string[], tx: Tx): Promise<string[]> {
    const found = await managerOf(tx, this.dataSource)
      .getRepository(JitsiServer)
      .find({ select: { id: true }, where: { id: In(ids) } });
    return found.map((server) => server.id);
  }

  /** A new server; a name in use is JitsiServerNameTaken. */
  async insert(fields: DeepPartial<JitsiServer>, tx: Tx): Promise<JitsiServer> {
    const repository = managerOf(tx, this.dataSource).getRepository(JitsiServer);
    try {
      return await repository.save(repository.create(fields));
    } catch (error) {
      throw isUniqueViolation(error) ? new JitsiServerNameTaken(String(fields.name)) : error;
    }
  }

  /** Saves a changed server; a name in use is JitsiServerNameTaken. */
  async save(server: JitsiServer, tx: Tx): Promise<JitsiServer> {
    try {
      return await managerOf(tx, this.dataSource).getRepository(JitsiServer).save(server);
    } catch (error) {
      throw isUniqueViolation(error) ? new JitsiServerNameTaken(server.name) : error;
    }
  }

  /** Every key of a server, newest first. */
  keys(serverId: string): Promise<JitsiSigningKey[]> {
    return this.dataSource.getRepository(JitsiSigningKey).find({ where: { serverId }, order: { createdAt: 'DESC' } });
  }

  /** The key that signs now (the newest not retired one), or null (HS256 servers have none). */
  activeKey(serverId: string): Promise<JitsiSigningKey | null> {
    return this.dataSource.getRepository(JitsiSigningKey).findOne({ where: { serverId, retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  async retireKeys(serverId: string, at: Date, tx: Tx): Promise<void> {
    await managerOf(tx, this.dataSource).getRepository(JitsiSigningKey).update({ serverId, retiredAt: IsNull() }, { retiredAt: at });
  }

  insertKey(fields: DeepPartial<JitsiSigningKey>, tx: Tx): Promise<JitsiSigningKey> {
    const repository = managerOf(tx, this.dataSource).getRepository(JitsiSigningKey);
    return repository.save(repository.create(fields));
  }
}
