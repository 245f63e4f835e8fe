import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** Models whose records belong to a grant and are revoked with it. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * In-memory storage for one provider instance: everything is lost on restart, which is what a
 * development IdP wants (sessions, codes and tokens live only as long as the process).
 */
export class MemoryStore {
  private readonly entries = new Map<string, Entry>();
  private writes = 0;

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  set(key: string, value: unknown, expiresInSeconds?: number): void {
    const expiresAt = typeof expiresInSeconds === 'number' ? Date.now() + expiresInSeconds * 1000 : Infinity;
    this.entries.set(key, { value, expiresAt });
    this.writes += 1;
    if (this.writes % 500 === 0) this.sweep();
  }

  /** Seconds until `key` expires (Infinity when it never does, 0 when absent). */
  secondsLeft(key: string): number {
    const entry = this.entries.get(key);
    return entry ? Math.max(0, (entry.expiresAt - Date.now()) / 1000) : 0;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  /** oidc-provider's `adapter` option: one adapter per model name, all sharing this store. */
  adapterFactory(): (model: string) => Adapter {
    return (model: string) => new MemoryAdapter(model, this);
  }
}

class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: MemoryStore,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    this.store.set(key, payload, expiresIn);
    if (this.model === 'Session' && payload.uid) this.store.set(`sessionUid:${payload.uid}`, id, expiresIn);
    if (payload.userCode) this.store.set(`userCode:${payload.userCode}`, id, expiresIn);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const grantKey = `grant:${payload.grantId}`;
      const members = this.store.get<Set<string>>(grantKey) ?? new Set<string>();
      members.add(key);
      // The index lives as long as its longest-lived member.
      const lifetime = Math.max(expiresIn ?? Infinity, this.store.secondsLeft(grantKey));
      this.store.set(grantKey, members, Number.isFinite(lifetime) ? Math.ceil(lifetime) : undefined);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get<AdapterPayload>(this.key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = this.store.get<string>(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = this.store.get<string>(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get<AdapterPayload>(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = `grant:${grantId}`;
    for (const key of this.store.get<Set<string>>(grantKey) ?? []) this.store.delete(key);
    this.store.delete(grantKey);
  }
}
