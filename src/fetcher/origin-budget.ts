import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { FixedWindowCounts } from '../common/concurrency/fixed-window-counts.js';

/**
 * Where the per-origin fetch budget is counted: one counter per origin per one-second window. A port (abstract
 * class, so also its DI token): per process in memory, or shared by every process and replica through memcached.
 */
export abstract class OriginBudget {
  /** Which store counts, for logs. */
  abstract readonly name: string;

  /**
   * Counts one upstream fetch of `origin` in the window `second` (whole epoch seconds).
   * @returns the fetches counted in that window so far, this one included
   */
  abstract count(origin: string, second: number): Promise<number>;
}

/** Origins tracked per window in memory at most; beyond it they share one counter (the budget still holds). */
export const MEMORY_MAX_ORIGINS = 100_000;

/**
 * Counters in this process: each process (worker or replica) allows the budget on its own. Bounded: only the current
 * window is kept, with at most {@link MEMORY_MAX_ORIGINS} origins in it.
 */
export class MemoryOriginBudget extends OriginBudget {
  readonly name = 'memory';
  private readonly counts = new FixedWindowCounts(MEMORY_MAX_ORIGINS);

  // eslint-disable-next-line @typescript-eslint/require-await -- the port is async for the shared store
  async count(origin: string, second: number): Promise<number> {
    return this.counts.hit(origin, second);
  }
}

/** A store of counters shared by every process (memcached's `incr`); the fetcher knows nothing more of it. */
export interface SharedCounters {
  /**
   * Adds one to the counter under `key`, creating it at 1 with a life of `ttlSeconds` when it is missing.
   * @returns the new count; rejects when the store cannot be reached
   */
  increment(key: string, ttlSeconds: number): Promise<number>;
}

/** After a failure of the shared store, the process counts on its own for this long before it tries again. */
export const SHARED_RETRY_MS = 1000;

/**
 * Counters in the shared store (one `incr` per fetch): the budget holds across every process and replica sharing
 * it. When the store fails, the budget falls back to this process's own counters for {@link SHARED_RETRY_MS}
 * (still bounded, just per process), so an outage neither stops fetching nor costs a store timeout per fetch.
 */
export class SharedOriginBudget extends OriginBudget {
  readonly name = 'shared';
  private readonly logger = new Logger(SharedOriginBudget.name);
  private readonly local = new MemoryOriginBudget();
  private localUntil = 0;

  constructor(
    private readonly counters: SharedCounters,
    private readonly keyPrefix: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async count(origin: string, second: number): Promise<number> {
    if (this.now() < this.localUntil) return this.local.count(origin, second);
    try {
      // A window's counter outlives it a little, so that a fetch at the very end of the window still finds it.
      return await this.counters.increment(this.keyOf(origin, second), 2);
    } catch (error) {
      if (this.localUntil === 0 || this.now() >= this.localUntil + SHARED_RETRY_MS) {
        this.logger.warn({ err: error }, 'the shared origin budget is unreachable: counting per process for now');
      }
      this.localUntil = this.now() + SHARED_RETRY_MS;
      return this.local.count(origin, second);
    }
  }

  /** memcached keys are at most 250 bytes without spaces: an origin (up to 2 KB of URL) goes in as a hash. */
  private keyOf(origin: string, second: number): string {
    const digest = createHash('sha256').update(origin).digest('base64url').slice(0, 22);
    return `${this.keyPrefix}ob:${digest}:${second}`;
  }
}
