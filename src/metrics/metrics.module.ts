import { Module, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { PreviewCache } from '../cache/preview-cache.js';
import { ResponseCache } from '../previews/response-cache.js';
import { PreviewsModule } from '../previews/previews.module.js';
import { HttpMetricsHooks } from './http-metrics.hooks.js';
import { MetricsController } from './metrics.controller.js';
import { metricsRegistry } from './metrics.registry.js';

const CACHE_COUNTERS = ['hits', 'misses', 'stale', 'storeErrors', 'oversize'] as const;

/** `GET /metrics` (when METRICS_ENABLED) and request timing; cache counters are read at scrape time. */
@Module({
  imports: [PreviewsModule],
  controllers: [MetricsController],
  providers: [HttpMetricsHooks],
})
export class MetricsModule implements OnModuleInit {
  private cacheEvents?: Gauge<'event'>;

  constructor(
    private readonly cache: PreviewCache,
    private readonly responses: ResponseCache,
  ) {}

  onModuleInit(): void {
    // The registry is per process; an app created again in the same process (tests) reports its own cache.
    metricsRegistry.removeSingleMetric('preview_cache_events');
    const cache = this.cache;
    const responses = this.responses;
    this.cacheEvents = new Gauge({
      name: 'preview_cache_events',
      help: 'Preview cache events since start (hits, misses, stale, storeErrors, oversize, responseHits)',
      labelNames: ['event'] as const,
      registers: [metricsRegistry],
      collect() {
        const stats = cache.stats();
        for (const event of CACHE_COUNTERS) this.set({ event }, stats[event]);
        this.set({ event: 'responseHits' }, responses.hits);
      },
    });
  }
}
