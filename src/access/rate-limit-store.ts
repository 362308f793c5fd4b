import type { MemcachedAdapter } from '../cache/memcached-store.js';

/**
 * Where the rate limiter counts: one counter per caller per fixed window. A port, so the limit can be per process
 * (memory) or shared by every process and replica (memcached).
 */
export abstract class RateLimitStore {
  /** Which store this is, for metrics and logs. */
  abstract readonly name: string;

  /**
   * Counts one request of `key` in the window `windowIndex` (a window lasts `windowMs`).
   * @returns the requests counted in that window so far, this one included (at once from an in-process store)
   */
  abstract hit(key: string, windowIndex: number, windowMs: number): number | Promise<number>;
}

/** Callers tracked per window in memory at most; beyond it they share one counter (the limit still holds). */
export const MEMORY_MAX_TRACKERS = 100_000;
const OVERFLOW_KEY = '\u0000overflow';

/**
 * Counters in this process: the limit applies per process (several workers or replicas each allow the limit).
 * Bounded: only the current window is kept, and at most {@link MEMORY_MAX_TRACKERS} callers in it.
 */
export class MemoryRateLimitStore extends RateLimitStore {
  readonly name = 'memory';
  private window = -1;
  private counts = new Map<string, number>();

  hit(key: string, windowIndex: number): number {
    if (windowIndex !== this.window) {
      this.window = windowIndex;
      this.counts = new Map();
    }
    const slot = this.counts.has(key) || this.counts.size < MEMORY_MAX_TRACKERS ? key : OVERFLOW_KEY;
    const count = (this.counts.get(slot) ?? 0) + 1;
    this.counts.set(slot, count);
    return count;
  }
}

/**
 * Counters in memcached (`incr` with an initial value, one round trip): every process and replica that shares the
 * servers shares one limit. A failure throws; the guard lets the request through (fail-open).
 */
export class MemcachedRateLimitStore extends RateLimitStore {
  readonly name = 'memcached';

  constructor(
    private readonly memcached: MemcachedAdapter,
    private readonly keyPrefix: string,
  ) {
    super();
  }

  hit(key: string, windowIndex: number, windowMs: number): Promise<number> {
    // The key lives a little longer than its window, so a late request of the window still finds it.
    return this.memcached.increment(`${this.keyPrefix}rl:${key}:${windowIndex}`, windowMs / 1000 + 1);
  }
}
