import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService, type Actor } from '@moderato/audit';
import { AppConfig } from '@moderato/config';
import { Clock, SecretBox } from '@moderato/core';
import { Transactions } from '@moderato/database';
import { kidHash } from '../jitsi-servers.service';
import { SYSTEM_TOKEN_TTL_SECONDS, type SystemSigningKey } from '../token/mint-system-token';
import type { JitsiSystemKey } from './jitsi-system-key.entity';
import { SystemKeysStore } from './system-keys.store';

/** A retired system key stays published this long: its tokens live SYSTEM_TOKEN_TTL_SECONDS, Prosody may be slow. */
export const RETIRED_SYSTEM_KEY_SERVED_MS = 10 * SYSTEM_TOKEN_TTL_SECONDS * 1000;

/** The path of the system key URL under PUBLIC_URL (Prosody's prosody_password_public_key_repo_url). */
export const SYSTEM_KEY_PATH = '/asap/system';

/**
 * The installation's SYSTEM key pair (see JitsiSystemKey): made on first use, sealed at rest with
 * SECRETS_KEY bound to its kid, rotatable (audited), published only at `<PUBLIC_URL>/asap/system`.
 */
@Injectable()
export class SystemKeysService {
  constructor(
    private readonly store: SystemKeysStore,
    private readonly transactions: Transactions,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** `<PUBLIC_URL>/asap/system`: what Prosody's prosody_password_public_key_repo_url is set to (no trailing slash). */
  keyUrl(): string {
    return `${this.config.publicUrl}${SYSTEM_KEY_PATH}`;
  }

  /** The key that signs system tokens (made now when there is none yet), decrypted in memory only. */
  async signingKey(): Promise<SystemSigningKey> {
    const key = (await this.store.active()) ?? (await this.create());
    return { kid: key.kid, privateKeyPem: this.box.open(key.privateKeyEncrypted, `jitsi-system-key:${key.kid}`) };
  }

  /** A new key (new kid) signs from now on; the previous one stays published a few minutes. Audited. */
  async rotate(actor: Actor): Promise<JitsiSystemKey> {
    return this.transactions.run(async (tx) => {
      await this.store.lock(tx);
      await this.store.retireAll(this.clock.now(), tx);
      const key = await this.store.insert(this.newKey(), tx);
      await this.audit.record(
        { action: 'jitsi.system_key_rotated', actor, ip: actor.ip, subject: { type: 'system_key', id: key.id }, metadata: { kid: key.kid } },
        tx,
      );
      return key;
    });
  }

  /** Keys Prosody may still need: the active one, and retired ones whose tokens may still be valid. */
  async publishedKeys(): Promise<JitsiSystemKey[]> {
    const now = this.clock.now().getTime();
    return (await this.store.all()).filter((key) => !key.retiredAt || key.retiredAt.getTime() + RETIRED_SYSTEM_KEY_SERVED_MS > now);
  }

  /** The SPKI PEM of a published system key by `<hex(sha256(kid))>`, or null. */
  async publicKeyPem(hash: string): Promise<string | null> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return null;
    return (await this.publishedKeys()).find((key) => key.kidHash === hash)?.publicKeyPem ?? null;
  }

  /** The active key's kid and when it was made (the server page shows them), or null before the first call. */
  async active(): Promise<Pick<JitsiSystemKey, 'kid' | 'createdAt'> | null> {
    return this.store.active();
  }

  private async create(): Promise<JitsiSystemKey> {
    return this.transactions.run(async (tx) => {
      await this.store.lock(tx);
      // Another replica may have made it while this one waited for the lock.
      const existing = await this.store.active(tx);
      if (existing) return existing;
      const key = await this.store.insert(this.newKey(), tx);
      await this.audit.record(
        {
          action: 'jitsi.system_key_created',
          actor: { id: null, label: 'system' },
          ip: null,
          subject: { type: 'system_key', id: key.id },
          metadata: { kid: key.kid },
        },
        tx,
      );
      return key;
    });
  }

  private newKey(): Partial<JitsiSystemKey> {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const stamp = this.clock.now().toISOString().slice(0, 10).replace(/-/g, '');
    const kid = `moderato/system/${stamp}-${randomBytes(4).toString('hex')}`;
    return {
      kid,
      kidHash: kidHash(kid),
      publicKeyPem: publicKey,
      privateKeyEncrypted: this.box.seal(privateKey, `jitsi-system-key:${kid}`),
      createdAt: this.clock.now(),
    };
  }
}
