import { Histogram } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry.js';

/** URLs per accepted batch request (refused oversized batches are not counted). */
export const batchSize = new Histogram({
  name: 'batch_size',
  help: 'URLs per accepted POST /v1/previews/batch request (BATCH_MAX_URLS is the largest)',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers: [metricsRegistry],
});
