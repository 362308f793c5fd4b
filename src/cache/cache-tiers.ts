import { Logger } from '@nestjs/common';
import { createKeyv, type KeyvCacheableMemory } from '@cacheable/memory';
import { Keyv, type StoredDataRaw } from 'keyv';
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
  /**
   * An in-process store: its operations cannot hang on a network, so they are not raced against the store timeout
   * (a timer per read was a visible part of a cache hit's cost).
   */
  inProcess?: boolean;
  /**
   * A synchronous read of an in-process tier, as Keyv would answer it raw (`{ value, expires }`, expired entries
   * left to the caller): a cache hit then needs no promise at all.
   */
  peek?: (key: string) => StoredDataRaw<unknown> | undefined;
}

/**
 * The configured stores, in read order, with what the cache needs to know about them; closes them on shutdown.
 * Every Keyv here throws store errors (`throwOnErrors`) so that the cache can count them instead of Keyv hiding them.
 */
export class CacheTiers {
  private closed = false;

  constructor(
    readonly kind: CacheConfig['store'],
    readonly levels: readonly CacheTier[],
    /** Largest serialized entry a write may send; bigger ones are not stored. */
    readonly maxValueBytes: number,
    private readonly janitor?: FileStoreJanitor,
    /** The memcached client, when CACHE_STORE=memcached: the rate limiter keeps its counters there too. */
    readonly memcached?: MemcachedAdapter,
  ) {}

  /** The Keyv stores, for cache-manager. */
  get keyvs(): Keyv[] {
    return this.levels.map((tier) => tier.keyv);
  }

  /** Tells the stores an entry was written (the file store's threshold check). */
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
    await Promise.all(this.levels.map((tier) => tier.keyv.disconnect()));
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}

const logger = new Logger('CacheTiers');

/** An in-process LRU tier. */
function memoryTier(name: string, maxItems: number, ttlMs: number, maxTtlMs?: number): CacheTier {
  // @cacheable/memory is a real LRU with expiry (Keyv's default Map is unbounded; lru-cache under Keyv fails
  // every write with a TTL).
  // No structuredClone on every read (it was most of a cache hit's cost): entries are never mutated once stored.
  const keyv = createKeyv({ lruSize: maxItems, ttl: ttlMs, useClone: false });
  keyv.throwOnErrors = true;
  // The LRU under Keyv, read directly: it holds what Keyv stored, `{ value, expires }` under the key as given.
  const lru = (keyv.store as KeyvCacheableMemory).store;
  return {
    name,
    keyv,
    maxTtlMs,
    inProcess: true,
    peek: (key) => lru.get<StoredDataRaw<unknown>>(key),
  };
}

/** Store TTL of a preview entry: fresh plus stale life. */
function entryTtlMs(cfg: CacheConfig): number {
  return (cfg.ttlSeconds + cfg.staleSeconds) * 1000;
}

function memoryTiers(cfg: CacheConfig): CacheTiers {
  return new CacheTiers('memory', [memoryTier('memory', cfg.memoryMaxItems, entryTtlMs(cfg))], Infinity);
}

function fileTiers(cfg: CacheConfig, tuning: CacheTuning): CacheTiers {
  const { keyv, janitor } = createFileStore({
    dir: cfg.fileDir,
    maxItems: cfg.fileMaxItems,
    ttlMs: entryTtlMs(cfg),
    onError: (error) => logger.warn({ err: error }, 'file cache sweep failed'),
  });
  janitor.start(tuning.fileJanitorIntervalMs);
  return new CacheTiers('file', [{ name: 'file', keyv }], Infinity, janitor);
}

function memcachedTiers(cfg: CacheConfig, tuning: CacheTuning): CacheTiers {
  const adapter = new MemcachedAdapter({
    servers: cfg.memcachedServers,
    log: (message) => logger.debug(message),
  });
  const l2: CacheTier = {
    name: 'memcached',
    keyv: new Keyv({ store: adapter, namespace: undefined, useKeyPrefix: false, throwOnErrors: true }),
  };
  // CACHE_L1_MAX_ITEMS=0: every read goes to memcached (one copy of the truth, no minute of lag after a purge).
  const l1: CacheTier[] =
    cfg.l1MaxItems === 0 ? [] : [memoryTier('memory-l1', cfg.l1MaxItems, tuning.l1MaxTtlMs, tuning.l1MaxTtlMs)];
  return new CacheTiers('memcached', [...l1, l2], MEMCACHED_MAX_VALUE_BYTES, undefined, adapter);
}

/** Builds the store CACHE_STORE names (a DI factory: nothing connects at import time). */
export function createCacheTiers(cfg: CacheConfig, tuning: CacheTuning = DEFAULT_CACHE_TUNING): CacheTiers {
  switch (cfg.store) {
    case 'memory':
      return memoryTiers(cfg);
    case 'file':
      return fileTiers(cfg, tuning);
    case 'memcached':
      return memcachedTiers(cfg, tuning);
    default: {
      const unknown: never = cfg.store;
      throw new Error(`unknown cache store ${String(unknown)}`);
    }
  }
}
