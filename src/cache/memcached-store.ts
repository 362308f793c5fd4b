import { KeyvMemcache } from '@keyv/memcache';
import HashRing from 'hashring';
import type { DeserializedData, StoredData } from 'keyv';

/** memcached reads an expiry over 30 days as an absolute UNIX time (the entry would die at once). */
export const MEMCACHED_MAX_TTL_MS = 30 * 86_400_000;

/**
 * memcached's item limit (`-I`, 1 MiB by default) counts the key and the item header too; a bigger value is
 * refused by the server and, through Keyv, fails silently. Values over this are not sent.
 */
export const MEMCACHED_MAX_VALUE_BYTES = 1024 * 1024 - 1024;

/** The part of memjs 1.3's client that this store touches (memjs ships no typings). */
interface MemjsClient {
  /** Index into the server list for a key; memjs' default is `hash % servers`, which moves most keys on resize. */
  getServer(key: string): number;
  /** Binary-protocol incr: a missing key is created with `initial` (and `expires`, seconds). */
  increment(
    key: string,
    amount: number,
    options: { initial: number; expires: number },
  ): Promise<{ success: boolean; value: number | null }>;
  close(): void;
}

/** Options of {@link MemcachedAdapter}. */
export interface MemcachedAdapterOptions {
  /** `host:port` of every server, in a stable order. */
  servers: string[];
  /** Receives memjs' own log lines (it writes to `console` otherwise). */
  log: (message: string) => void;
}

/**
 * memjs options, checked against memjs 1.3.2 (which `@keyv/memcache` 2 uses): `timeout` and `conntimeout` are
 * seconds per operation / connect, `retries` counts attempts (1 = no retry, fail over at once), `failover` sends a
 * failed server's keys to the next live server for `failoverTime` seconds. memjs 1.3 has no `serverKeyForKey`
 * option: the server is picked by the overridable `Client#getServer(key)`, set to the ketama ring below.
 */
const MEMJS_OPTIONS = { timeout: 0.2, conntimeout: 0.2, retries: 1, failover: true, failoverTime: 60 } as const;

/**
 * Maps keys to server indexes with ketama consistent hashing (libketama-compatible `hashring`), so adding a
 * server to N moves about 1/(N+1) of the keys instead of nearly all of them.
 */
export function ketamaServerIndex(servers: readonly string[]): (key: string) => number {
  const ring = new HashRing([...servers]);
  const index = new Map(servers.map((server, i) => [server, i]));
  return (key) => index.get(ring.get(key)) ?? 0;
}

/**
 * A whole number of seconds memcached understands, in ms: at least 1 s (memjs floors to seconds and 0 means
 * "never expires") and at most 30 days (more is read as a timestamp).
 */
export function memcachedTtlMs(ttlMs: number | undefined): number {
  if (ttlMs === undefined) return MEMCACHED_MAX_TTL_MS;
  return Math.min(Math.max(Math.ceil(ttlMs / 1000), 1) * 1000, MEMCACHED_MAX_TTL_MS);
}

/**
 * `@keyv/memcache` over several servers with ketama key placement, bounded operation time, failover, TTLs that
 * memcached reads as intended, a plain miss for absent keys and a `disconnect()` that closes the sockets.
 */
export class MemcachedAdapter extends KeyvMemcache {
  private closed = false;

  constructor(options: MemcachedAdapterOptions) {
    super(options.servers.join(','), { ...MEMJS_OPTIONS, logger: { log: options.log } });
    (this.client as unknown as MemjsClient).getServer = ketamaServerIndex(options.servers);
  }

  override async get<Value>(key: string): Promise<StoredData<Value>> {
    this.assertOpen();
    const data = (await super.get<Value>(key)) as DeserializedData<Value> | undefined;
    // @keyv/memcache answers a miss with `{ value: undefined, expires: 0 }`, which Keyv takes for an expired entry
    // and deletes (one more round trip per miss); a plain `undefined` is a plain miss.
    if (data?.value === undefined) return undefined;
    return data;
  }

  override async set(key: string, value: unknown, ttl?: number): Promise<void> {
    this.assertOpen();
    await super.set(key, value, memcachedTtlMs(ttl));
  }

  override async delete(key: string): Promise<boolean> {
    this.assertOpen();
    return super.delete(key);
  }

  /**
   * Adds one to the counter under `key` in one round trip, creating it at 1 with a life of `ttlSeconds` when it
   * is missing (the expiry is set only then: a fixed window).
   * @returns the new count
   */
  async increment(key: string, ttlSeconds: number): Promise<number> {
    this.assertOpen();
    const client = this.client as unknown as MemjsClient;
    const result = await client.increment(key, 1, { initial: 1, expires: Math.max(1, Math.ceil(ttlSeconds)) });
    if (!result.success || typeof result.value !== 'number') throw new Error(`memcached incr of ${key} failed`);
    return result.value;
  }

  /** Closes every server connection; later operations fail (and count as store errors) instead of reconnecting. */
  // eslint-disable-next-line @typescript-eslint/require-await -- Keyv awaits disconnect()
  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    (this.client as unknown as MemjsClient).close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('memcached store is closed');
  }
}
