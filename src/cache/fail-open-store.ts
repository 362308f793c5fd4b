import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { StoredDataRaw } from 'keyv';
import { cacheConfig } from '../config/cache.config.js';
import { CACHE_TUNING, CacheTiers, type CacheTier, type CacheTuning } from './cache-tiers.js';
import { cacheErrors, cacheOversize, cacheRequests, cacheWritesSkippedFull } from './cache.metrics.js';
import type { MemcachedAdapter } from './memcached-store.js';
import { PurgeEpoch } from './purge-epoch.js';
import { SingleFlight } from './single-flight.js';

/** Counters of the store layer. */
export interface FailOpenStoreStats {
  /** Store operations that failed or timed out (each was answered as a miss / skipped write). */
  storeErrors: number;
  /** Writes not sent because the entry is over the store's size limit. */
  oversize: number;
}

/** What {@link FailOpenStore} answers for an operation that failed or timed out (a miss, a skipped write). */
export const STORE_FAILED: unique symbol = Symbol('failed');
const FAILED: typeof STORE_FAILED = STORE_FAILED;

/** Life of the fleet's purge counter in memcached (memcached's longest relative TTL). */
const PURGE_COUNTER_TTL_SECONDS = 30 * 86_400;

/** Options of {@link FailOpenStore.lookup}. */
export interface LookupOptions {
  /** Read the shared store only (memcached), not the in-process L1 in front of it. @default false */
  sharedOnly?: boolean;
  /** Longest wait for each store read. @default the store timeout (CacheTuning.storeTimeoutMs) */
  timeoutMs?: number;
}

/** Store errors are logged at most this often: a dead memcached would otherwise write a line per request. */
const ERROR_LOG_INTERVAL_MS = 10_000;

class StoreTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`cache ${operation} took longer than ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** `run()`, or a {@link StoreTimeoutError} after `ms`. */
async function withinTime<T>(run: () => Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(operation, ms)), ms);
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The configured store as the cache uses it: every operation bounded in time and fail-open (an error or a timeout
 * is a miss, logged and counted, never an exception), reads go through the tiers in order and copy a lower-tier
 * hit into the faster tiers, and an entry over the store's size limit is not written. With an L1 in front of
 * memcached, a purge made by any process empties every process' L1 within a second ({@link PurgeEpoch}).
 */
@Injectable()
export class FailOpenStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(FailOpenStore.name);
  private readonly counters: FailOpenStoreStats = { storeErrors: 0, oversize: 0 };
  private readonly calls = new SingleFlight<unknown>();
  private lastErrorLogAt = Number.NEGATIVE_INFINITY;
  private unloggedErrors = 0;
  private readonly epoch?: PurgeEpoch;

  constructor(
    private readonly tiers: CacheTiers,
    @Inject(CACHE_TUNING) private readonly tuning: CacheTuning,
    @Inject(cacheConfig.KEY) private readonly cfg: ConfigType<typeof cacheConfig>,
  ) {
    const { memcached, l1 } = tiers;
    if (memcached !== undefined && l1?.memory !== undefined) this.epoch = this.purgeEpoch(memcached, l1.memory);
  }

  onModuleInit(): void {
    this.epoch?.start();
  }

  onModuleDestroy(): void {
    this.epoch?.stop();
  }

  /** Whether a shared store (memcached) is configured: then loads are coordinated across processes. */
  get isShared(): boolean {
    return this.tiers.memcached !== undefined;
  }

  /**
   * Runs one operation on the shared store (memcached) within the store timeout.
   * @returns its result, or {@link STORE_FAILED} when it failed or timed out (logged and counted) or there is none
   */
  async shared<T>(
    kind: string,
    run: (memcached: MemcachedAdapter) => Promise<T>,
    timeoutMs = this.tuning.storeTimeoutMs,
  ): Promise<T | typeof STORE_FAILED> {
    const { memcached } = this.tiers;
    const tier = this.tiers.levels.at(-1);
    if (memcached === undefined || tier === undefined) return FAILED;
    return this.attempt(tier, kind, () => run(memcached), timeoutMs);
  }

  /** `CACHE_KEY_PREFIX`, which starts every key. */
  get keyPrefix(): string {
    return this.cfg.keyPrefix;
  }

  /** The value under `key`, or `undefined` on a miss, an error or a timeout. */
  async get<T>(key: string): Promise<T | undefined> {
    return (await this.lookup<T>(key))?.value;
  }

  /**
   * The value under `key` when the first tier is in-process and holds it unexpired, read synchronously; otherwise
   * `undefined` (ask {@link lookup}). Counted like a read of that tier.
   */
  peek<T>(key: string): { value: T; tier: string } | undefined {
    const first = this.tiers.levels[0];
    if (first?.peek === undefined || this.tiers.isClosed) return undefined;
    // An L1 not confirmed against the fleet's purges lately may hold a purged entry: memcached answers then.
    if (first === this.tiers.l1 && this.epoch?.trusted() === false) return undefined;
    const data = first.peek(key);
    const expired = typeof data?.expires === 'number' && data.expires <= Date.now();
    if (data?.value === undefined || expired) return undefined;
    cacheRequests.inc({ store: first.name, result: 'hit' });
    return { value: data.value as T, tier: first.name };
  }

  /** The value under `key` and the tier that had it, or `undefined` on a miss, an error or a timeout. */
  async lookup<T>(key: string, options: LookupOptions = {}): Promise<{ value: T; tier: string } | undefined> {
    const tiers = this.tiers.levels;
    const generation = this.epoch?.generation;
    const first = options.sharedOnly === true ? tiers.length - 1 : 0;
    for (let level = first; level < tiers.length; level++) {
      const tier = tiers[level];
      if (tier === this.tiers.l1 && this.epoch?.trusted() === false) continue;
      const data = await this.attempt(tier, 'get', () => tier.keyv.get<T>(key, { raw: true }), options.timeoutMs);
      if (data === FAILED) {
        cacheRequests.inc({ store: tier.name, result: 'error' });
        continue;
      }
      if (data?.value === undefined) {
        cacheRequests.inc({ store: tier.name, result: 'miss' });
        continue;
      }
      cacheRequests.inc({ store: tier.name, result: 'hit' });
      // Not into an L1 emptied meanwhile by a purge: the value read may be the purged one.
      if (level > 0 && generation === this.epoch?.generation) await this.backfill(tiers.slice(0, level), key, data);
      return { value: data.value, tier: tier.name };
    }
    return undefined;
  }

  /**
   * Writes `value` to every tier for `ttlMs` (each tier's own cap applies), each write bounded by `timeoutMs`.
   * @returns whether every tier stored it (`false` when it is too large, the file store is full until its sweep, or a
   *   store failed)
   */
  async set(key: string, value: unknown, ttlMs: number, timeoutMs = this.tuning.storeTimeoutMs): Promise<boolean> {
    if (!this.fits(key, value, ttlMs)) return false;
    if (!this.tiers.hasRoom()) {
      cacheWritesSkippedFull.inc();
      return false;
    }
    const stored = await Promise.all(this.tiers.levels.map((tier) => this.write(tier, key, value, ttlMs, timeoutMs)));
    this.tiers.noteWrite();
    return stored.every(Boolean);
  }

  /**
   * Deletes `key` from every tier; with an L1 in front of memcached, every other process forgets it too within a
   * second.
   * @returns whether every tier confirmed (a failed store is logged and counted)
   */
  async delete(key: string): Promise<boolean> {
    const results = await Promise.all(
      this.tiers.levels.map((tier) => this.attempt(tier, 'delete', () => tier.keyv.delete(key))),
    );
    const epoch = this.epoch;
    const announced = epoch === undefined || (await this.shared('purge', () => epoch.announce())) !== FAILED;
    return announced && results.every((result) => result !== FAILED);
  }

  /**
   * `call()`'s result, cached under `key` for `ttlMs`; concurrent callers of one key share one call. A failed call
   * is not cached. The value goes through JSON in the file and memcached stores: `revive` rebuilds class instances.
   */
  async wrap<T>(key: string, ttlMs: number, call: () => Promise<T>, revive?: (plain: unknown) => T): Promise<T> {
    const cached = await this.get<{ value: unknown }>(key);
    if (cached !== undefined) return revive ? revive(cached.value) : (cached.value as T);
    return this.calls.run(key, async () => {
      const value = await call();
      // Wrapped in an object so that a cached `undefined`/`null` result is not read back as a miss.
      await this.set(key, { value }, ttlMs);
      return value;
    }) as Promise<T>;
  }

  stats(): FailOpenStoreStats {
    return { ...this.counters };
  }

  private fits(key: string, value: unknown, ttlMs: number): boolean {
    if (this.tiers.maxValueBytes === Infinity) return true;
    // What Keyv sends: the value wrapped with its expiry, as JSON.
    const bytes = Buffer.byteLength(JSON.stringify({ value, expires: Date.now() + ttlMs }));
    if (bytes <= this.tiers.maxValueBytes) return true;
    this.counters.oversize += 1;
    cacheOversize.inc();
    this.logger.warn(`cache entry ${key} not stored: ${bytes} bytes is over the ${this.tiers.maxValueBytes} limit`);
    return false;
  }

  private async write(
    tier: CacheTier,
    key: string,
    value: unknown,
    ttlMs: number,
    timeoutMs = this.tuning.storeTimeoutMs,
  ): Promise<boolean> {
    const ttl = Math.min(ttlMs, tier.maxTtlMs ?? ttlMs);
    const result = await this.attempt(tier, 'set', () => tier.keyv.set(key, value, ttl), timeoutMs);
    return result === true;
  }

  private async backfill(tiers: readonly CacheTier[], key: string, data: StoredDataRaw<unknown>): Promise<void> {
    const remaining = typeof data?.expires === 'number' ? data.expires - Date.now() : undefined;
    if (remaining !== undefined && remaining <= 0) return;
    await Promise.all(
      tiers.map((tier) => this.write(tier, key, data?.value, remaining ?? tier.maxTtlMs ?? Number.MAX_SAFE_INTEGER)),
    );
  }

  /**
   * Runs one store operation within the time bound (in-process tiers cannot hang and are not raced); a failure is
   * logged, counted and answered with {@link FAILED}.
   */
  private async attempt<T>(
    tier: CacheTier,
    kind: string,
    run: () => Promise<T>,
    timeoutMs = this.tuning.storeTimeoutMs,
  ): Promise<T | typeof FAILED> {
    if (this.tiers.isClosed) return FAILED;
    const operation = `${kind} ${tier.name}`;
    if (tier.inProcess === true) {
      try {
        return await run();
      } catch (error) {
        this.recordError(tier, kind, error);
        return FAILED;
      }
    }
    try {
      return await withinTime(run, timeoutMs, operation);
    } catch (error) {
      this.recordError(tier, kind, error);
      return FAILED;
    }
  }

  /** The purge counter of the fleet, read without counting its failures (the L1 simply stays as it is then). */
  private purgeEpoch(memcached: MemcachedAdapter, l1: { clear(): void }): PurgeEpoch {
    const key = `${this.cfg.keyPrefix}purges`;
    const timeoutMs = this.tuning.storeTimeoutMs;
    return new PurgeEpoch(
      {
        read: () => withinTime(() => memcached.getText(key), timeoutMs, 'get purge counter'),
        bump: () => memcached.increment(key, PURGE_COUNTER_TTL_SECONDS),
      },
      () => l1.clear(),
      { pollMs: this.tuning.purgePollMs, trustMs: this.tuning.purgeTrustMs },
    );
  }

  private recordError(tier: CacheTier, kind: string, error: unknown): void {
    const operation = `${kind} ${tier.name}`;
    this.counters.storeErrors += 1;
    cacheErrors.inc({ store: tier.name, operation: kind });
    const now = Date.now();
    if (now - this.lastErrorLogAt < ERROR_LOG_INTERVAL_MS) {
      this.unloggedErrors += 1;
      return;
    }
    const suppressed = this.unloggedErrors;
    this.lastErrorLogAt = now;
    this.unloggedErrors = 0;
    this.logger.warn({ err: error, suppressed }, `cache ${this.tiers.kind} ${operation} failed; answered as a miss`);
  }
}
