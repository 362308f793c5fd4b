import { Logger } from '@nestjs/common';
import { Keyv, type StoredDataRaw } from 'keyv';
import type { CacheConfig } from '../config/cache.config.js';
import { createFileStore, type FileStoreJanitor } from './file-store.js';
import { MEMCACHED_MAX_VALUE_BYTES, MemcachedAdapter, type Resolver } from './memcached-store.js';
import { memoryKeyv, type MemoryStore } from './memory-store.js';

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
  /**
   * How often each process reads the fleet's purge counter in memcached; a change empties its L1, so a purge made by
   * any process is seen by every process within {@link purgeTrustMs}. @default 250
   */
  purgePollMs: number;
  /**
   * How long after the last purge-counter read was sent the L1 is still trusted; past it (reads lagging, not yet
   * read) the L1 is skipped and memcached answers. @default 1000
   */
  purgeTrustMs: number;
  /**
   * Longest wait for a lease operation and for the leader's write of its entry: on the miss path, where a fetch is
   * at stake, a late answer (a busy event loop) must not turn into a second fetch. @default 1000
   */
  leaseTimeoutMs: number;
  /** First wait between two looks for the entry another process is loading; it doubles up to the next. @default 20 */
  leasePollMinMs: number;
  /** Longest wait between two such looks. @default 250 */
  leasePollMaxMs: number;
  /** How often a memcached server marked dead is probed, so that it is used again as soon as it answers. @default 1000 */
  memcachedProbeMs: number;
  /** Resolves the names in MEMCACHED_SERVERS (tests answer with loopback addresses). @default the system resolver */
  memcachedResolver?: Resolver;
}

export const DEFAULT_CACHE_TUNING: CacheTuning = {
  storeTimeoutMs: 250,
  fileJanitorIntervalMs: 60_000,
  l1MaxTtlMs: 60_000,
  purgePollMs: 250,
  purgeTrustMs: 1000,
  leaseTimeoutMs: 1000,
  leasePollMinMs: 20,
  leasePollMaxMs: 250,
  memcachedProbeMs: 1000,
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
  /** The in-process store under `keyv`, for tiers that are one (bounded by entries and bytes; can be emptied). */
  memory?: MemoryStore;
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

  /** Starts what the stores run in the background; settles once they are ready (memcached: names resolved once). */
  async start(): Promise<void> {
    await this.memcached?.start();
  }

  /** The in-process tier in front of a shared store (the L1 before memcached), if there is one. */
  get l1(): CacheTier | undefined {
    return this.memcached !== undefined && this.levels.length > 1 ? this.levels[0] : undefined;
  }

  /** The Keyv stores, for cache-manager. */
  get keyvs(): Keyv[] {
    return this.levels.map((tier) => tier.keyv);
  }

  /** Whether the stores take a new entry now (the file store does not while its sweep lags far behind). */
  hasRoom(): boolean {
    return this.janitor?.hasRoom() ?? true;
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

/** Store TTL of a preview entry: fresh plus stale life. */
function entryTtlMs(cfg: CacheConfig): number {
  return (cfg.ttlSeconds + cfg.staleSeconds) * 1000;
}

/** An in-process tier bounded by CACHE_MEMORY_MAX_ITEMS (or the L1's) entries and CACHE_MEMORY_MAX_MB bytes. */
function memoryTier(name: string, cfg: CacheConfig, maxItems: number, ttlMs: number): CacheTier {
  const { keyv, store } = memoryKeyv({ maxItems, maxBytes: cfg.memoryMaxMb * 1024 * 1024, ttlMs });
  // The store under Keyv, read directly: it holds what Keyv stored, `{ value, expires }` under the key as given.
  return { name, keyv, inProcess: true, memory: store, peek: (key) => store.get(key) };
}

function memoryTiers(cfg: CacheConfig): CacheTiers {
  return new CacheTiers('memory', [memoryTier('memory', cfg, cfg.memoryMaxItems, entryTtlMs(cfg))], Infinity);
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
    notice: (message) => logger.log(message),
    resolver: tuning.memcachedResolver,
    resolveIntervalMs: cfg.memcachedResolveSeconds * 1000,
    probeIntervalMs: tuning.memcachedProbeMs,
  });
  const l2: CacheTier = {
    name: 'memcached',
    keyv: new Keyv({ store: adapter, namespace: undefined, useKeyPrefix: false, throwOnErrors: true }),
  };
  // CACHE_L1_MAX_ITEMS=0: every read goes to memcached (one copy of the truth).
  const l1: CacheTier[] =
    cfg.l1MaxItems === 0
      ? []
      : [{ ...memoryTier('memory-l1', cfg, cfg.l1MaxItems, tuning.l1MaxTtlMs), maxTtlMs: tuning.l1MaxTtlMs }];
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
