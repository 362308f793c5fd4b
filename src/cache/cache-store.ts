import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { StoredDataRaw } from 'keyv';
import { cacheConfig } from '../config/cache.config.js';
import { CACHE_TUNING, CacheBackend, type CacheTier, type CacheTuning } from './cache-backend.js';
import { SingleFlight } from './single-flight.js';

/** Counters of the store layer. */
export interface CacheStoreStats {
  /** Store operations that failed or timed out (each was answered as a miss / skipped write). */
  storeErrors: number;
  /** Writes not sent because the entry is over the store's size limit. */
  oversize: number;
}

/** Store errors are logged at most this often: a dead memcached would otherwise write a line per request. */
const ERROR_LOG_INTERVAL_MS = 10_000;

class StoreTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`cache ${operation} took longer than ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * The configured store as the cache uses it: every operation bounded in time and fail-open (an error or a timeout
 * is a miss, logged and counted, never an exception), reads go through the tiers in order and copy a lower-tier
 * hit into the faster tiers, and an entry over the store's size limit is not written.
 */
@Injectable()
export class CacheStore {
  private readonly logger = new Logger(CacheStore.name);
  private readonly counters: CacheStoreStats = { storeErrors: 0, oversize: 0 };
  private readonly calls = new SingleFlight<unknown>();
  private lastErrorLogAt = Number.NEGATIVE_INFINITY;
  private unloggedErrors = 0;

  constructor(
    private readonly backend: CacheBackend,
    @Inject(CACHE_TUNING) private readonly tuning: CacheTuning,
    @Inject(cacheConfig.KEY) private readonly cfg: ConfigType<typeof cacheConfig>,
  ) {}

  /** `CACHE_KEY_PREFIX`, which starts every key. */
  get keyPrefix(): string {
    return this.cfg.keyPrefix;
  }

  /** The value under `key`, or `undefined` on a miss, an error or a timeout. */
  async get<T>(key: string): Promise<T | undefined> {
    const { tiers } = this.backend;
    for (let level = 0; level < tiers.length; level++) {
      const data = await this.attempt(`get ${tiers[level].name}`, () => tiers[level].keyv.get<T>(key, { raw: true }));
      if (data?.value === undefined) continue;
      if (level > 0) await this.backfill(tiers.slice(0, level), key, data);
      return data.value;
    }
    return undefined;
  }

  /**
   * Writes `value` to every tier for `ttlMs` (each tier's own cap applies).
   * @returns whether every tier stored it (`false` when it is too large or a store failed)
   */
  async set(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    if (!this.fits(key, value, ttlMs)) return false;
    const stored = await Promise.all(this.backend.tiers.map((tier) => this.write(tier, key, value, ttlMs)));
    this.backend.noteWrite();
    return stored.every(Boolean);
  }

  /**
   * Deletes `key` from every tier.
   * @returns whether every tier confirmed (a failed store is logged and counted)
   */
  async delete(key: string): Promise<boolean> {
    const results = await Promise.all(
      this.backend.tiers.map((tier) => this.attempt(`delete ${tier.name}`, () => tier.keyv.delete(key))),
    );
    return results.every((result) => result !== undefined);
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

  stats(): CacheStoreStats {
    return { ...this.counters };
  }

  private fits(key: string, value: unknown, ttlMs: number): boolean {
    if (this.backend.maxValueBytes === Infinity) return true;
    // What Keyv sends: the value wrapped with its expiry, as JSON.
    const bytes = Buffer.byteLength(JSON.stringify({ value, expires: Date.now() + ttlMs }));
    if (bytes <= this.backend.maxValueBytes) return true;
    this.counters.oversize += 1;
    this.logger.warn(`cache entry ${key} not stored: ${bytes} bytes is over the ${this.backend.maxValueBytes} limit`);
    return false;
  }

  private async write(tier: CacheTier, key: string, value: unknown, ttlMs: number): Promise<boolean> {
    const ttl = Math.min(ttlMs, tier.maxTtlMs ?? ttlMs);
    const result = await this.attempt(`set ${tier.name}`, () => tier.keyv.set(key, value, ttl));
    return result === true;
  }

  private async backfill(tiers: readonly CacheTier[], key: string, data: StoredDataRaw<unknown>): Promise<void> {
    const remaining = typeof data?.expires === 'number' ? data.expires - Date.now() : undefined;
    if (remaining !== undefined && remaining <= 0) return;
    await Promise.all(
      tiers.map((tier) => this.write(tier, key, data?.value, remaining ?? tier.maxTtlMs ?? Number.MAX_SAFE_INTEGER)),
    );
  }

  /** Runs one store operation within the time bound; a failure is logged, counted and answered with `undefined`. */
  private async attempt<T>(operation: string, run: () => Promise<T>): Promise<T | undefined> {
    if (this.backend.isClosed) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreTimeoutError(operation, this.tuning.storeTimeoutMs)),
        this.tuning.storeTimeoutMs,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      this.recordError(operation, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private recordError(operation: string, error: unknown): void {
    this.counters.storeErrors += 1;
    const now = Date.now();
    if (now - this.lastErrorLogAt < ERROR_LOG_INTERVAL_MS) {
      this.unloggedErrors += 1;
      return;
    }
    const suppressed = this.unloggedErrors;
    this.lastErrorLogAt = now;
    this.unloggedErrors = 0;
    this.logger.warn({ err: error, suppressed }, `cache ${this.backend.kind} ${operation} failed; answered as a miss`);
  }
}
