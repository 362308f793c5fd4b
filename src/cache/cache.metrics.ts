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

/** Writes not sent because the file store is over its entry bound until its janitor catches up. */
export const cacheWritesSkippedFull = new Counter({
  name: 'cache_writes_skipped_full_total',
  help: 'Cache writes skipped because the file store is 10 % over CACHE_FILE_MAX_ITEMS until its sweep makes room',
  registers: [metricsRegistry],
});

/** Leases taken in the shared store: this process loads the entry for every process sharing memcached. */
export const cacheLeasesTaken = new Counter({
  name: 'cache_leases_taken_total',
  help: 'Cross-process loads led by this process: leases taken in memcached for a missing entry',
  registers: [metricsRegistry],
});

/** Misses that found another process loading the entry and waited for its answer instead of fetching. */
export const cacheLeaseWaits = new Counter({
  name: 'cache_lease_waits_total',
  help: 'Misses that waited for the entry another process holds the lease for, instead of fetching upstream',
  registers: [metricsRegistry],
});

/** Waits that ended without the entry (the lease outlived its bound, or memcached failed): this process fetched. */
export const cacheLeaseWaitTimeouts = new Counter({
  name: 'cache_lease_wait_timeouts_total',
  help: 'Lease waits that gave up (no entry within the lease life, or memcached failed) and fetched themselves',
  registers: [metricsRegistry],
});
