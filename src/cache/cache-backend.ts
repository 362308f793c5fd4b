import { Logger } from '@nestjs/common';
import { createKeyv } from '@cacheable/memory';
import { Keyv } from 'keyv';
import type { CacheConfig } from '../config/cache.config.js';
import { createFileStore, type FileStoreJanitor } from './file-store.js';
import { MEMCACHED_MAX_VALUE_BYTES, MemcachedAdapter } from './memcached-store.js';

/** Injection token of {@link CacheTuning}. */
export const CACHE_TUNING = Symbol('CACHE_TUNING');

/** Operational knobs of the cache that are not deployment settings (tests shorten them). */
export interface CacheTuning {
  /** Longest wait for one store operation; a slower one counts as a store error and a miss. @default 250 */
  storeTimeoutMs: number;
  /** How often the file store's janitor deletes expired and excess entries. @default 60000 */
  fileJanitorIntervalMs: number;
  /**
   * Longest life of an entry in the in-process L1 in front of memcached: a purge or refresh done by another
   * process is seen here within this time. @default 60000
   */
  l1MaxTtlMs: number;
}

export const DEFAULT_CACHE_TUNING: CacheTuning = {
  storeTimeoutMs: 250,
  fileJanitorIntervalMs: 60_000,
  l1MaxTtlMs: 60_000,
};

/** One level of the cache (an L1 before memcached, or the only store). */
export interface CacheTier {
  name: string;
  keyv: Keyv;
  /** Cap on an entry's life in this tier (ms). */
  maxTtlMs?: number;
}

/**
 * The configured stores, in read order, with what the cache needs to know about them; closes them on shutdown.
 * Every Keyv here throws store errors (`throwOnErrors`) so that the cache can count them instead of Keyv hiding them.
 */
export class CacheBackend {
  private closed = false;

  constructor(
    readonly kind: CacheConfig['store'],
    readonly tiers: readonly CacheTier[],
    /** Largest serialized entry a write may send; bigger ones are not stored. */
    readonly maxValueBytes: number,
    private readonly janitor?: FileStoreJanitor,
  ) {}

  /** The Keyv stores, for cache-manager. */
  get keyvs(): Keyv[] {
    return this.tiers.map((tier) => tier.keyv);
  }

  /** Tells the backend an entry was written (the file store's threshold check). */
  noteWrite(): void {
    this.janitor?.noteWrite();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.janitor?.stop();
    await Promise.all(this.tiers.map((tier) => tier.keyv.disconnect()));
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}

const logger = new Logger('CacheBackend');

function memoryKeyv(maxItems: number, ttlMs: number): Keyv {
  // @cacheable/memory is a real LRU with expiry (Keyv's default Map is unbounded; lru-cache under Keyv fails
  // every write with a TTL).
  // No structuredClone on every read (it was most of a cache hit's cost): entries are never mutated once stored.
  const keyv = createKeyv({ lruSize: maxItems, ttl: ttlMs, useClone: false });
  keyv.throwOnErrors = true;
  return keyv;
}

/** Store TTL of a preview entry: fresh plus stale life. */
function entryTtlMs(cfg: CacheConfig): number {
  return (cfg.ttlSeconds + cfg.staleSeconds) * 1000;
}

function memoryBackend(cfg: CacheConfig): CacheBackend {
  return new CacheBackend(
    'memory',
    [{ name: 'memory', keyv: memoryKeyv(cfg.memoryMaxItems, entryTtlMs(cfg)) }],
    Infinity,
  );
}

function fileBackend(cfg: CacheConfig, tuning: CacheTuning): CacheBackend {
  const { keyv, janitor } = createFileStore({
    dir: cfg.fileDir,
    maxItems: cfg.fileMaxItems,
    ttlMs: entryTtlMs(cfg),
    onError: (error) => logger.warn({ err: error }, 'file cache sweep failed'),
  });
  janitor.start(tuning.fileJanitorIntervalMs);
  return new CacheBackend('file', [{ name: 'file', keyv }], Infinity, janitor);
}

function memcachedBackend(cfg: CacheConfig, tuning: CacheTuning): CacheBackend {
  const adapter = new MemcachedAdapter({
    servers: cfg.memcachedServers,
    log: (message) => logger.debug(message),
  });
  const l2 = new Keyv({ store: adapter, namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  const l1 = memoryKeyv(cfg.memoryMaxItems, tuning.l1MaxTtlMs);
  return new CacheBackend(
    'memcached',
    [
      { name: 'memory-l1', keyv: l1, maxTtlMs: tuning.l1MaxTtlMs },
      { name: 'memcached', keyv: l2 },
    ],
    MEMCACHED_MAX_VALUE_BYTES,
  );
}

/** Builds the store CACHE_STORE names (a DI factory: nothing connects at import time). */
export function createCacheBackend(cfg: CacheConfig, tuning: CacheTuning = DEFAULT_CACHE_TUNING): CacheBackend {
  switch (cfg.store) {
    case 'memory':
      return memoryBackend(cfg);
    case 'file':
      return fileBackend(cfg, tuning);
    case 'memcached':
      return memcachedBackend(cfg, tuning);
    default: {
      const unknown: never = cfg.store;
      throw new Error(`unknown cache store ${String(unknown)}`);
    }
  }
}
