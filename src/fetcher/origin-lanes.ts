import { Pool } from 'undici';

/** One held place among an origin's connections: the pool to send through, and the way to give the place back. */
export interface OriginSlot {
  pool: Pool;
  /** Gives the place to the next waiter (idempotent). */
  release(): void;
}

/** Options of {@link OriginLanes}. */
export interface OriginLanesOptions {
  /** Places (and undici connections) per origin. */
  connections: number;
  /** The options of every origin's undici pool (timeouts, the guarded connector); `connections` is set here. */
  pool: Omit<Pool.Options, 'connections'>;
  /** An origin unused this long has its pool closed (its keep-alive sockets have closed long before). @default 30000 */
  idleMs?: number;
}

interface Waiter {
  grant: (slot: OriginSlot) => void;
}

interface Lane {
  pool: Pool;
  active: number;
  waiters: Waiter[];
  idleSince: number;
}

const DEFAULT_IDLE_MS = 30_000;

/**
 * One undici pool per origin, with a FIFO of places in front of it: at most `connections` requests are open to an
 * origin at once, and the rest wait here, outside the request, so that their wait is not upstream time and can be
 * bounded on its own. A pool lives as long as its origin is in use and is never replaced while it is: undici's
 * `Agent` drops an origin's pool as soon as its connected sockets reach zero (every socket of a burst of timeouts or
 * refused bodies closing at once) and starts a fresh one for the next request while the old one still drains its
 * queue, which let one process open twice the bound and more to one host.
 */
export class OriginLanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly idleMs: number;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: OriginLanesOptions) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Origins with a pool. */
  get size(): number {
    return this.lanes.size;
  }

  /**
   * A place among `origin`'s connections, at once or when one is released, in arrival order.
   * @returns the slot; `undefined` when none became free within `timeoutMs`
   * @throws the signal's reason when `signal` aborts first (the waiter leaves the queue)
   */
  acquire(origin: string, timeoutMs: number, signal?: AbortSignal): Promise<OriginSlot | undefined> {
    if (this.closed) return Promise.reject(new Error('the fetcher is closed'));
    signal?.throwIfAborted();
    const lane = this.laneOf(origin);
    if (lane.active < this.options.connections) {
      lane.active += 1;
      return Promise.resolve(this.slotOf(lane));
    }
    return new Promise<OriginSlot | undefined>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = lane.waiters.indexOf(waiter);
        if (index >= 0) lane.waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        grant: (slot) => {
          leave();
          resolve(slot);
        },
      };
      const onAbort = (): void => {
        leave();
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        leave();
        resolve(undefined);
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.waiters.push(waiter);
    });
  }

  /** Closes every pool and its sockets; later acquisitions fail. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const pools = [...this.lanes.values()].map((lane) => lane.pool);
    this.lanes.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  private laneOf(origin: string): Lane {
    let lane = this.lanes.get(origin);
    if (lane === undefined) {
      const pool = new Pool(origin, { ...this.options.pool, connections: this.options.connections });
      lane = { pool, active: 0, waiters: [], idleSince: 0 };
      this.lanes.set(origin, lane);
      this.sweeper ??= setInterval(() => this.sweep(), this.idleMs).unref();
    }
    return lane;
  }

  private slotOf(lane: Lane): OriginSlot {
    let held = true;
    return {
      pool: lane.pool,
      release: () => {
        if (!held) return;
        held = false;
        const next = lane.waiters.shift();
        // The place passes straight to the next waiter: nobody arriving meanwhile can take it first.
        if (next !== undefined) {
          next.grant(this.slotOf(lane));
          return;
        }
        lane.active -= 1;
        if (lane.active === 0) lane.idleSince = performance.now();
      },
    };
  }

  /** Closes the pools of origins unused for `idleMs`, so that a process that saw many origins does not keep them. */
  private sweep(): void {
    const now = performance.now();
    for (const [origin, lane] of this.lanes) {
      if (lane.active === 0 && now - lane.idleSince >= this.idleMs) {
        this.lanes.delete(origin);
        void lane.pool.close().catch(() => undefined);
      }
    }
    if (this.lanes.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
