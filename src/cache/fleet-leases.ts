import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheLeaseWaits, cacheLeaseWaitTimeouts, cacheLeasesTaken } from './cache.metrics.js';
import { STORE_FAILED, type FailOpenStore } from './fail-open-store.js';
import type { MemcachedAdapter } from './memcached-store.js';

/** Options of {@link FleetLeases}. */
export interface FleetLeasesOptions {
  /**
   * Life of a lease, and the longest wait for another process' load: a little above the longest load (fetch
   * deadline + parse deadline), so that the lease of a process that died frees its key.
   */
  ttlMs: number;
  /** Longest wait for one lease operation (and for the leader's write of its entry). */
  opTimeoutMs: number;
  /** First pause between two looks for the entry; it doubles up to `pollMaxMs`. */
  pollMinMs: number;
  pollMaxMs: number;
  /** Clock (ms). @default Date.now */
  now?: () => number;
}

/** A lease on one key: whether this process holds it, and how to give it back. */
export interface Lease {
  owned: boolean;
  release(): Promise<void>;
}

/** What {@link FleetLeases.coordinate} decided: an entry another process produced, or load it yourself. */
export type Coordination<E> = { entry: E } | { lease: Lease };

/** Failed looks at the lease in a row after which a waiting process stops waiting and loads itself. */
const MAX_FAILED_LOOKS = 3;

const NO_LEASE: Lease = { owned: false, release: () => Promise.resolve() };

/**
 * Cross-process single-flight over the shared store: of all the processes that miss one key at once, the first takes
 * a short lease in memcached (`add`, which only one caller can win) and loads; the others wait for the entry it
 * writes (looking with a doubling pause), or take over when the lease goes without an entry (the load failed with an
 * error that is not cached) or when it outlives its bound. Fail-open: when memcached fails, every process loads
 * for itself. Sits behind the per-process single-flight, so one process waits at most once per key.
 */
export class FleetLeases {
  /** Identifies this process' leases (for the logs of a look at memcached, and so a release frees only its own). */
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly now: () => number;

  constructor(
    private readonly store: FailOpenStore,
    private readonly options: FleetLeasesOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes the lease on `key` (then `readFresh` is asked once more: another process may have just finished) or waits
   * for the entry another process is loading.
   * @param readFresh the entry of `key` in the shared store if it is fresh, else `undefined`
   * @returns the entry found, or a lease: owned (load, store, release) or not (fail-open or timed out: load anyway)
   */
  async coordinate<E>(key: string, readFresh: () => Promise<E | undefined>): Promise<Coordination<E>> {
    if (!this.store.isShared) return { lease: NO_LEASE };
    const leaseKey = `${key}:lease`;
    const wait = { deadline: this.now() + this.options.ttlMs, pause: this.options.pollMinMs, counted: false };
    for (;;) {
      const taken = await this.take(leaseKey);
      if (taken === STORE_FAILED) return { lease: NO_LEASE };
      if (taken) return this.lead(leaseKey, readFresh);
      if (!wait.counted) cacheLeaseWaits.inc();
      wait.counted = true;
      const outcome = await this.waitForOther(leaseKey, readFresh, wait);
      if (outcome !== 'released') return outcome;
    }
  }

  /**
   * `add`s the lease: `true` when this process holds it, `false` when another does, {@link STORE_FAILED} when
   * memcached failed twice. An `add` whose answer came too late may still have landed: the second try then finds the
   * key, and the holder tells whether it is this process' own lease.
   */
  private async take(leaseKey: string): Promise<boolean | typeof STORE_FAILED> {
    const add = () =>
      this.store.shared('lease', (memcached) => memcached.add(leaseKey, this.owner, this.options.ttlMs));
    const first = await add();
    if (first !== STORE_FAILED) return first;
    const second = await add();
    if (second !== false) return second;
    return (await this.holder(leaseKey)) === this.owner;
  }

  private holder(leaseKey: string): Promise<string | undefined | typeof STORE_FAILED> {
    return this.onLease((memcached) => memcached.getText(leaseKey));
  }

  private onLease<T>(run: (memcached: MemcachedAdapter) => Promise<T>): Promise<T | typeof STORE_FAILED> {
    return this.store.shared('lease', run, this.options.opTimeoutMs);
  }

  /** How long the leader waits for the write of its entry (see {@link FleetLeasesOptions.opTimeoutMs}). */
  get writeTimeoutMs(): number {
    return this.options.opTimeoutMs;
  }

  /** This process holds the lease: unless the entry arrived just now, it loads. */
  private async lead<E>(leaseKey: string, readFresh: () => Promise<E | undefined>): Promise<Coordination<E>> {
    cacheLeasesTaken.inc();
    const lease = this.leaseOn(leaseKey);
    const entry = await readFresh();
    if (entry === undefined) return { lease };
    await lease.release();
    return { entry };
  }

  /**
   * Another process loads: looks for its entry until its lease goes (`released`: try to take it) or the bound passes.
   */
  private async waitForOther<E>(
    leaseKey: string,
    readFresh: () => Promise<E | undefined>,
    wait: { deadline: number; pause: number },
  ): Promise<Coordination<E> | 'released'> {
    let failures = 0;
    for (;;) {
      await sleep(wait.pause);
      wait.pause = Math.min(wait.pause * 2, this.options.pollMaxMs);
      const entry = await readFresh();
      if (entry !== undefined) return { entry };
      if (this.now() >= wait.deadline) break;
      const holder = await this.holder(leaseKey);
      // One slow answer (a busy event loop) is no outage: memcached is given up after a few failures in a row.
      failures = holder === STORE_FAILED ? failures + 1 : 0;
      if (failures >= MAX_FAILED_LOOKS) break;
      if (holder === undefined) return 'released';
    }
    cacheLeaseWaitTimeouts.inc();
    return { lease: NO_LEASE };
  }

  private leaseOn(leaseKey: string): Lease {
    return {
      owned: true,
      release: async () => {
        // Only our own: a load that outlived its lease must not free the lease another process took since.
        const holder = await this.holder(leaseKey);
        if (holder === this.owner) await this.onLease((memcached) => memcached.delete(leaseKey));
      },
    };
  }
}
