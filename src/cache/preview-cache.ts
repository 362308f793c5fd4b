import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainError } from '../common/errors/domain-error.js';
import { cacheConfig } from '../config/cache.config.js';
import { errorEntry, errorTtlSeconds, parseEntry, domainErrorOf, valueEntry, type CacheEntry } from './cache-entry.js';
import { previewKey } from './cache-key.js';
import { previewCacheAnswers, singleFlightJoins } from './cache.metrics.js';
import { FailOpenStore, type FailOpenStoreStats } from './fail-open-store.js';
import { FleetLeases } from './fleet-leases.js';
import { SingleFlight } from './single-flight.js';

/** Injection token of the cache's clock (epoch ms); tests move it instead of waiting. */
export const CACHE_CLOCK = Symbol('CACHE_CLOCK');
export type Clock = () => number;

/** Where an answer came from: the cache while fresh, a fresh load, or the cache past freshness (refresh started). */
export type CacheState = 'HIT' | 'MISS' | 'STALE';

/** A resolved value and its cache metadata (for `X-Cache`, `Cache-Control` and `Age`). */
export interface Resolved<T> {
  value: T;
  state: CacheState;
  /** When the value was produced (epoch ms). */
  storedAt: number;
  /** Remaining freshness in whole seconds (0 when STALE). */
  maxAgeSeconds: number;
  /** The store tier that answered a HIT or STALE (`memory`, `memory-l1`, `memcached`, `file`); none for a MISS. */
  tier?: string;
}

/** Options of {@link PreviewCache.resolve}. */
export interface ResolveOptions {
  /** Skip the read and load anew (the result is still written). @default false */
  refresh?: boolean;
}

/** Counters of the preview cache. */
export interface PreviewCacheStats extends FailOpenStoreStats {
  /** Answers served fresh from the cache (values and cached errors). */
  hits: number;
  /** Answers that ran the loader (including `refresh: true`). */
  misses: number;
  /** Answers served stale while a background refresh ran. */
  stale: number;
}

/**
 * The cache in front of preview building: stale-while-revalidate, negative caching of errors about the target,
 * single-flight loads (per process, and across processes sharing memcached), fail-open stores. A port (abstract class) so that it is its own DI token and easy to fake.
 */
export abstract class PreviewCache {
  /** The cache key of a normalized URL and the options that change the answer (never the raw URL). */
  abstract keyFor(normalizedUrl: string, variant?: Record<string, unknown>): string;

  /**
   * The value under `key`, loading it with `loader` on a miss (concurrent callers share one load). A stale entry
   * is answered at once while one background refresh runs. Throws the loader's error, or a cached one on a hit.
   */
  abstract resolve<T>(key: string, loader: () => Promise<T>, options?: ResolveOptions): Promise<Resolved<T>>;

  /**
   * Removes the entry under `key`.
   * @returns whether every store confirmed the delete
   */
  abstract delete(key: string): Promise<boolean>;

  abstract stats(): PreviewCacheStats;

  /** Settles once every load and background refresh in progress has settled. */
  abstract settled(): Promise<void>;
}

/** {@link PreviewCache} over the configured store. */
@Injectable()
export class StorePreviewCache extends PreviewCache implements OnModuleDestroy {
  private readonly logger = new Logger(PreviewCache.name);
  private readonly loads = new SingleFlight<Resolved<unknown>>(() => singleFlightJoins.inc());
  private readonly counters = { hits: 0, misses: 0, stale: 0 };

  constructor(
    private readonly store: FailOpenStore,
    private readonly leases: FleetLeases,
    @Inject(cacheConfig.KEY) private readonly cfg: ConfigType<typeof cacheConfig>,
    @Inject(CACHE_CLOCK) private readonly now: Clock,
  ) {
    super();
  }

  keyFor(normalizedUrl: string, variant: Record<string, unknown> = {}): string {
    return previewKey(this.cfg.keyPrefix, normalizedUrl, variant);
  }

  resolve<T>(key: string, loader: () => Promise<T>, options: ResolveOptions = {}): Promise<Resolved<T>> {
    // A refresh asks for a new fetch: waiting for another process' load (or finding the entry it replaces) is not one.
    if (options.refresh === true) return this.miss(key, loader, false);
    // An entry held in this process is answered without a promise chain through the store (most cache hits).
    const peeked = this.store.peek(key);
    if (peeked !== undefined) {
      try {
        const resolved = this.fromEntry(key, peeked, loader);
        if (resolved !== undefined) return Promise.resolve(resolved);
      } catch (error) {
        // A cached error entry: its domain error, as the asynchronous path would reject with it.
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return this.lookupThenResolve(key, loader);
  }

  private async lookupThenResolve<T>(key: string, loader: () => Promise<T>): Promise<Resolved<T>> {
    const found = await this.store.lookup(key);
    const resolved = found === undefined ? undefined : this.fromEntry(key, found, loader);
    return resolved ?? this.miss(key, loader, true);
  }

  /**
   * The answer an entry gives: HIT while fresh (a cached error is thrown), STALE within the stale window (one
   * background refresh starts), or `undefined` when it is unusable or too old.
   */
  private fromEntry<T>(
    key: string,
    found: { value: unknown; tier: string },
    loader: () => Promise<T>,
  ): Resolved<T> | undefined {
    const entry = parseEntry(found.value) as CacheEntry<T> | undefined;
    if (entry === undefined) return undefined;
    const now = this.now();
    if (now < entry.freshUntil) {
      this.counters.hits += 1;
      previewCacheAnswers.inc({ state: 'error' in entry ? 'ERROR_HIT' : 'HIT' });
      return answer(entry, 'HIT', Math.floor((entry.freshUntil - now) / 1000), found.tier);
    }
    if ('value' in entry && now < entry.staleUntil) {
      this.counters.stale += 1;
      previewCacheAnswers.inc({ state: 'STALE' });
      this.refreshInBackground(key, loader);
      return answer(entry, 'STALE', 0, found.tier);
    }
    return undefined;
  }

  /** Loads `key`; `coordinate`: with the other processes sharing memcached (one of them loads). */
  private miss<T>(key: string, loader: () => Promise<T>, coordinate: boolean): Promise<Resolved<T>> {
    this.counters.misses += 1;
    previewCacheAnswers.inc({ state: 'MISS' });
    return this.load(key, loader, true, coordinate);
  }

  async delete(key: string): Promise<boolean> {
    return this.store.delete(key);
  }

  stats(): PreviewCacheStats {
    return { ...this.counters, ...this.store.stats() };
  }

  async settled(): Promise<void> {
    await this.loads.settled();
  }

  /** Lets refreshes in progress finish before the stores close. */
  async onModuleDestroy(): Promise<void> {
    await this.settled();
  }

  /** Starts a refresh unless a load of `key` already runs; its failure is logged and the stale entry kept. */
  private refreshInBackground<T>(key: string, loader: () => Promise<T>): void {
    if (this.loads.has(key)) return;
    this.load(key, loader, false, true).catch((error: unknown) => {
      this.logger.warn({ err: error }, `background refresh of ${key} failed; the stale entry stays`);
    });
  }

  /**
   * Runs the loader (shared by concurrent callers in this process and, with memcached, by the other processes: one
   * of them loads while the others wait for its entry) and stores its value, or its error when that is cacheable.
   */
  private load<T>(
    key: string,
    loader: () => Promise<T>,
    cacheErrors: boolean,
    coordinate: boolean,
  ): Promise<Resolved<T>> {
    return this.loads.run(key, async () => {
      const coordination = coordinate
        ? await this.leases.coordinate(key, () => this.freshShared<T>(key))
        : { lease: { owned: false, release: () => Promise.resolve() } };
      // Another process loaded it meanwhile: its answer (or its cached error) is this one's too.
      if ('entry' in coordination) return answer(coordination.entry, 'MISS', this.secondsLeft(coordination.entry));
      // The leader's write is what the other processes wait for: it may take longer than a read.
      const writeTimeoutMs = coordination.lease.owned ? this.leases.writeTimeoutMs : undefined;
      try {
        return await this.runLoader(key, loader, cacheErrors, writeTimeoutMs);
      } finally {
        await coordination.lease.release();
      }
    }) as Promise<Resolved<T>>;
  }

  /** The entry of `key` in the shared store when it is fresh (another process' load), else `undefined`. */
  private async freshShared<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const found = await this.store.lookup(key, { sharedOnly: true, timeoutMs: this.leases.writeTimeoutMs });
    const entry = parseEntry(found?.value) as CacheEntry<T> | undefined;
    return entry !== undefined && this.now() < entry.freshUntil ? entry : undefined;
  }

  private secondsLeft(entry: CacheEntry): number {
    return Math.max(0, Math.floor((entry.freshUntil - this.now()) / 1000));
  }

  private async runLoader<T>(
    key: string,
    loader: () => Promise<T>,
    cacheErrors: boolean,
    writeTimeoutMs?: number,
  ): Promise<Resolved<T>> {
    const { ttlSeconds, staleSeconds } = this.cfg;
    let value: T;
    try {
      value = await loader();
    } catch (error) {
      const errorTtl = cacheErrors ? errorTtlSeconds(error, this.cfg) : 0;
      if (errorTtl > 0 && error instanceof DomainError) {
        await this.store.set(key, errorEntry(error, this.now(), errorTtl), errorTtl * 1000, writeTimeoutMs);
      }
      throw error;
    }
    const storedAt = this.now();
    const entry = valueEntry(value, storedAt, ttlSeconds, staleSeconds);
    await this.store.set(key, entry, (ttlSeconds + staleSeconds) * 1000, writeTimeoutMs);
    return { value, state: 'MISS', storedAt, maxAgeSeconds: ttlSeconds };
  }
}

function answer<T>(entry: CacheEntry<T>, state: CacheState, maxAgeSeconds: number, tier?: string): Resolved<T> {
  if ('error' in entry) throw domainErrorOf(entry.error);
  return { value: entry.value, state, storedAt: entry.storedAt, maxAgeSeconds, tier };
}
