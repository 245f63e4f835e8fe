import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { isUUID, validate } from 'class-validator';
import { AuditService, type Actor } from '@moderato/audit';
import { Transactions, type Tx } from '@moderato/database';
import { PolicyService } from '@moderato/policy';
import { AppConfig } from '@moderato/config';
import { Clock, InvalidInputError, SecretBox } from '@moderato/core';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import type { CreateServerDto, UpdateServerDto } from './dto/server.dto';
import { JitsiServer } from './jitsi-server.entity';
import type { JitsiSigningKey } from './jitsi-signing-key.entity';
import { JitsiServersStore } from './jitsi-servers.store';
import { JitsiServerNameTaken, JitsiServerNotFound, WrongSigningMode } from './jitsi.errors';
import type { SigningKey, VerificationKey } from './token';

/** Who did it, for the audit log. */
export type { Actor };

/** A generated HS256 shared secret: 32 random bytes as 64 hex characters. */
const newSharedSecret = () => randomBytes(32).toString('hex');

export const kidHash = (kid: string) => createHash('sha256').update(kid).digest('hex');

/**
 * How long a process reuses a server's row and decrypted signing material for minting tokens.
 * A change made through this process (edit, key rotation) is seen at once; other api replicas
 * see it within this time (a rotated RS256 key stays published, so tokens signed with the
 * previous one still verify).
 */
export const SIGNING_CACHE_MS = 5_000;

/**
 * The registry of Jitsi servers and their signing material. Secrets and private keys are
 * stored only sealed with SECRETS_KEY, bound to their server id; they leave this service
 * decrypted only for signing, and for an admin's audited "reveal".
 */
@Injectable()
export class JitsiServersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('JitsiServers');
  private readonly signingCache = new Map<string, { at: number; server: JitsiServer; signingKey: SigningKey }>();

  constructor(
    private readonly store: JitsiServersStore,
    private readonly transactions: Transactions,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  list(): Promise<JitsiServer[]> {
    return this.store.list();
  }

  /**
   * Servers an organizer with these IdP roles may schedule on: enabled, among `allowedIds` (the
   * organisation policy's list; every server when empty) and allowing one of the roles (every
   * role when the server lists none). Oldest first: the first is the default.
   */
  async usableFor(idpRoles: string[], allowedIds: string[], tx?: Tx): Promise<JitsiServer[]> {
    const servers = await this.store.enabled(tx);
    return servers
      .filter((server) => !allowedIds.length || allowedIds.includes(server.id))
      .filter((server) => !server.allowedOrganizerRoles.length || server.allowedOrganizerRoles.some((role) => idpRoles.includes(role.toLowerCase())));
  }

  async get(id: string): Promise<JitsiServer> {
    const server = await this.find(id);
    if (!server) throw new JitsiServerNotFound(id);
    return server;
  }

  /** The server with this id, or null (also for what is no id at all); in `tx` when given. */
  async find(id: string, tx?: Tx): Promise<JitsiServer | null> {
    return isUUID(id) ? this.store.find(id, tx) : null;
  }

  /** Creates a server; for HS256 the secret is returned this once (generated unless given). */
  async create(input: CreateServerDto, actor: Actor): Promise<{ server: JitsiServer; secret?: string }> {
    return this.transactions.run(async (tx) => {
      const server = await this.store.insert(
        {
          name: input.name,
          baseUrl: input.baseUrl,
          xmppDomain: input.xmppDomain,
          appId: input.appId,
          audience: input.audience,
          signingMode: input.signingMode,
          enabled: input.enabled ?? true,
          lobbyBypass: input.lobbyBypass ?? false,
          prosodyHttpUrl: input.prosodyHttpUrl ?? null,
          mucDomain: input.mucDomain ?? null,
          allowedOrganizerRoles: input.allowedOrganizerRoles ?? [],
        },
        tx,
      );
      let secret: string | undefined;
      if (server.signingMode === 'HS256') {
        secret = input.secret ?? newSharedSecret();
        server.secretEncrypted = this.sealSecret(server.id, secret);
        await this.store.save(server, tx);
      } else {
        await this.addKey(tx, server);
      }
      await this.audit.record(
        {
          action: 'jitsi.server_created',
          actor,
          ip: actor.ip,
          subject: { type: 'jitsi_server', id: server.id },
          metadata: {
            name: server.name,
            baseUrl: server.baseUrl,
            signingMode: server.signingMode,
            ...(server.signingMode === 'HS256' ? { secretGenerated: !input.secret } : {}),
          },
        },
        tx,
      );
      return { server, secret };
    });
  }

  async update(id: string, input: UpdateServerDto, actor: Actor): Promise<JitsiServer> {
    const server = await this.get(id);
    const before = { ...server };
    Object.assign(server, Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
    const changed = Object.keys(input).filter((key) => JSON.stringify(before[key as keyof JitsiServer]) !== JSON.stringify(server[key as keyof JitsiServer]));
    return this.transactions.run(async (tx) => {
      const saved = await this.store.save(server, tx);
      this.signingCache.delete(id);
      if (changed.length) {
        await this.audit.record({ action: 'jitsi.server_updated', actor, ip: actor.ip, subject: { type: 'jitsi_server', id }, metadata: { changed } }, tx);
      }
      return saved;
    });
  }

  /** The HS256 shared secret in clear, for an admin who asked for it: audited. */
  async revealSecret(id: string, actor: Actor): Promise<string> {
    const server = await this.get(id);
    if (server.signingMode !== 'HS256' || !server.secretEncrypted) throw new WrongSigningMode('Revealing a shared secret', server.signingMode);
    const secret = this.box.open(server.secretEncrypted, `jitsi-server:${server.id}`);
    await this.audit.record({ action: 'jitsi.secret_revealed', actor, ip: actor.ip, subject: { type: 'jitsi_server', id } });
    return secret;
  }

  /**
   * HS256: replaces the shared secret (generated unless given; a given one obeys the rules of
   * creation) and returns it this once. Tokens are signed with it at once in this process (other
   * api replicas within SIGNING_CACHE_MS); Prosody refuses them until it has the new secret too.
   */
  async rotateSecret(id: string, actor: Actor, given?: string): Promise<{ server: JitsiServer; secret: string }> {
    if (given !== undefined) {
      // The rules of the DTO, also for callers that skip it (the CLI); '' means "generate one".
      const input = plainToInstance(RotateSecretDto, { secret: given });
      const problems = await validate(input);
      if (problems.length) throw new InvalidInputError([{ field: 'secret', messages: problems.flatMap((p) => Object.values(p.constraints ?? {})) }]);
      given = input.secret;
    }
    return this.transactions.run(async (tx) => {
      const server = await this.find(id, tx);
      if (!server) throw new JitsiServerNotFound(id);
      if (server.signingMode !== 'HS256') throw new WrongSigningMode('Rotating a shared secret', server.signingMode);
      const secret = given ?? newSharedSecret();
      server.secretEncrypted = this.sealSecret(server.id, secret);
      const saved = await this.store.save(server, tx);
      this.signingCache.delete(id);
      // Whether it was given or generated, never the secret itself.
      await this.audit.record(
        {
          action: 'jitsi.server_secret_rotated',
          actor,
          ip: actor.ip,
          subject: { type: 'jitsi_server', id },
          metadata: { secretGenerated: given === undefined },
        },
        tx,
      );
      return { server: saved, secret };
    });
  }

  /** RS256: a new key (new kid) signs from now on; the old one stays published until its tokens expired. */
  async rotateKey(id: string, actor: Actor): Promise<JitsiSigningKey> {
    const server = await this.get(id);
    if (server.signingMode !== 'RS256') throw new WrongSigningMode('Key rotation', server.signingMode);
    return this.transactions.run(async (tx) => {
      await this.store.retireKeys(id, this.clock.now(), tx);
      const key = await this.addKey(tx, server);
      this.signingCache.delete(id);
      await this.audit.record({ action: 'jitsi.key_rotated', actor, ip: actor.ip, subject: { type: 'jitsi_server', id }, metadata: { kid: key.kid } }, tx);
      return key;
    });
  }

  /**
   * Keys Prosody may still need: the active one and retired ones whose tokens may still be valid
   * (the longest token lifetime of the policy and of the environment).
   */
  async publishedKeys(serverId: string): Promise<JitsiSigningKey[]> {
    const keys = await this.store.keys(serverId);
    const now = this.clock.now().getTime();
    const servedMs = Math.max((await this.policy.current()).tokenMaxTtlMinutes * 60_000, this.config.tokenMaxTtlSeconds * 1000);
    return keys.filter((key) => !key.retiredAt || key.retiredAt.getTime() + servedMs > now);
  }

  /** The SPKI PEM Prosody asks for as `<hex(sha256(kid))>.pem`, or null. */
  async publicKeyPem(serverId: string, hash: string): Promise<string | null> {
    if (!isUUID(serverId) || !/^[0-9a-f]{64}$/.test(hash)) return null;
    const keys = await this.publishedKeys(serverId);
    return keys.find((key) => key.kidHash === hash)?.publicKeyPem ?? null;
  }

  /** What the minter needs to sign for this server (decrypted in memory only). */
  async signingKey(server: JitsiServer): Promise<SigningKey> {
    if (server.signingMode === 'HS256') {
      if (!server.secretEncrypted) throw new WrongSigningMode('Signing without a secret', server.signingMode);
      return { alg: 'HS256', secret: this.box.open(server.secretEncrypted, `jitsi-server:${server.id}`) };
    }
    const key = await this.store.activeKey(server.id);
    if (!key) throw new Error(`The RS256 server ${server.id} has no active signing key`);
    return { alg: 'RS256', kid: key.kid, privateKeyPem: this.box.open(key.privateKeyEncrypted, `jitsi-key:${key.kid}`) };
  }

  /**
   * The server and what signs its tokens, for minting on a hot path (join links, room doors):
   * read and decrypted once per SIGNING_CACHE_MS per process instead of on every request.
   */
  async forSigning(serverId: string): Promise<{ server: JitsiServer; signingKey: SigningKey }> {
    const cached = this.signingCache.get(serverId);
    if (cached && performance.now() - cached.at < SIGNING_CACHE_MS) return cached;
    const server = await this.store.find(serverId);
    if (!server) throw new Error(`No Jitsi server ${serverId} to sign for`);
    const entry = { at: performance.now(), server, signingKey: await this.signingKey(server) };
    this.signingCache.set(serverId, entry);
    return entry;
  }

  /** What the token inspector verifies signatures with. */
  async verificationKey(server: JitsiServer): Promise<VerificationKey> {
    if (server.signingMode === 'HS256') return { alg: 'HS256', secret: ((await this.signingKey(server)) as { secret: string }).secret };
    const keys = await this.publishedKeys(server.id);
    return { alg: 'RS256', publicKeys: keys.map((key) => ({ kid: key.kid, publicKeyPem: key.publicKeyPem })) };
  }

  /** JITSI_URL & co.: create that server at boot when there is none (docker and simple installs). */
  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.config.jitsiBootstrap;
    if (!wanted) return;
    if ((await this.store.count()) > 0) return;
    const name = new URL(wanted.baseUrl).host;
    try {
      await this.create(
        {
          name,
          baseUrl: wanted.baseUrl,
          xmppDomain: wanted.xmppDomain,
          appId: wanted.appId,
          audience: wanted.audience,
          signingMode: 'HS256',
          secret: wanted.appSecret,
        },
        { id: null, label: 'JITSI_URL (boot)' },
      );
      this.logger.log(`created Jitsi server ${name} from JITSI_URL`);
    } catch (error) {
      // Another replica booting at the same moment created it.
      if (!(error instanceof JitsiServerNameTaken)) throw error;
    }
  }

  /** Sealed with SECRETS_KEY and bound to the server, so a sealed secret copied to another row does not open. */
  private sealSecret(serverId: string, secret: string): string {
    return this.box.seal(secret, `jitsi-server:${serverId}`);
  }

  private async addKey(tx: Tx, server: JitsiServer): Promise<JitsiSigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const stamp = this.clock.now().toISOString().slice(0, 10).replace(/-/g, '');
    const kid = `moderato/${server.id.slice(0, 8)}/${stamp}-${randomBytes(4).toString('hex')}`;
    return this.store.insertKey(
      {
        serverId: server.id,
        kid,
        kidHash: kidHash(kid),
        publicKeyPem: publicKey,
        privateKeyEncrypted: this.box.seal(privateKey, `jitsi-key:${kid}`),
        createdAt: this.clock.now(),
      },
      tx,
    );
  }
}
