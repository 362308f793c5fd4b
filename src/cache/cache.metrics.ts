import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry.js';

/** Reads of each store tier, by result: `hit`, `miss` or `error` (failed or timed out, answered as a miss). */
export const cacheRequests = new Counter({
  name: 'cache_requests_total',
  help: 'Cache store reads by tier (memory, memory-l1, memcached, file) and result (hit, miss, error)',
  labelNames: ['store', 'result'] as const,
  registers: [metricsRegistry],
});

/** Failed or timed-out store operations of any kind (reads, writes, deletes), by tier and operation. */
export const cacheErrors = new Counter({
  name: 'cache_errors_total',
  help: 'Cache store operations that failed or took longer than the store timeout (each answered fail-open)',
  labelNames: ['store', 'operation'] as const,
  registers: [metricsRegistry],
});

/** Answers of the preview cache, by state: HIT, MISS, STALE (and ERROR_HIT for a cached error). */
export const previewCacheAnswers = new Counter({
  name: 'preview_cache_answers_total',
  help: 'Preview cache answers by state (HIT, MISS, STALE, ERROR_HIT: a cached upstream error)',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

/** Requests that joined a load of the same key already running in this process instead of starting their own. */
export const singleFlightJoins = new Counter({
  name: 'single_flight_joins_total',
  help: 'Cache loads joined by a concurrent request for the same key (one upstream fetch served several requests)',
  registers: [metricsRegistry],
});

/** Writes not sent because the entry is over the store's size limit. */
export const cacheOversize = new Counter({
  name: 'cache_oversize_total',
  help: 'Cache writes skipped because the entry is over the store value limit (memcached: 1 MiB)',
  registers: [metricsRegistry],
});
