import { Gauge } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry.js';

/** 1 while a cache server answers its probe, 0 while it does not (the service then fails open: misses). */
export const cacheStoreUp = new Gauge({
  name: 'cache_store_up',
  help:
    'Whether the cache store answers its health probe (1) or not (0), by store and server (host:port for ' +
    'memcached, local otherwise); the lowest value of the processes of a cluster',
  labelNames: ['store', 'server'] as const,
  aggregator: 'min',
  registers: [metricsRegistry],
});
