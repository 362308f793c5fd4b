import { Gauge } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry.js';

/** What a parse pool tells about its load. */
export interface PoolLoad {
  /** Worker threads alive. */
  threads: number;
  /** Tasks running on a thread. */
  running: number;
  /** Tasks waiting for a thread. */
  queued: number;
}

/** The pools of this process (one in the service; tests start several). */
const pools = new Set<{ stats(): PoolLoad }>();

function totals(): PoolLoad {
  const sum: PoolLoad = { threads: 0, running: 0, queued: 0 };
  for (const pool of pools) {
    const load = pool.stats();
    sum.threads += load.threads;
    sum.running += load.running;
    sum.queued += load.queued;
  }
  return sum;
}

/** Pages waiting for a parse thread; near PARSE_QUEUE_MAX, requests are about to be refused with OVERLOADED. */
export const parsePoolQueueLength = new Gauge({
  name: 'parse_pool_queue_length',
  help: 'Pages waiting for a parse worker thread, at scrape time (summed over the processes of a cluster)',
  registers: [metricsRegistry],
  collect() {
    this.set(totals().queued);
  },
});

/** Share of the parse threads busy at scrape time (0 with PARSE_WORKERS=0: nothing runs in a pool). */
export const parsePoolUtilization = new Gauge({
  name: 'parse_pool_utilization',
  help: 'Share of parse worker threads running a page at scrape time, 0 to 1 (averaged over the processes of a cluster)',
  registers: [metricsRegistry],
  aggregator: 'average',
  collect() {
    const { threads, running } = totals();
    this.set(threads === 0 ? 0 : Math.min(1, running / threads));
  },
});

/** Reports `pool` in the gauges until {@link unwatchParsePool}. */
export function watchParsePool(pool: { stats(): PoolLoad }): void {
  pools.add(pool);
}

export function unwatchParsePool(pool: { stats(): PoolLoad }): void {
  pools.delete(pool);
}
