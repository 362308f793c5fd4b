import { Module } from '@nestjs/common';
import { ClusterMetricsClient } from './cluster-metrics.js';
import { HttpMetricsHooks } from './http-metrics.hooks.js';
import { MetricsController } from './metrics.controller.js';
import { metricsRegistry } from './metrics.registry.js';

/**
 * `GET /metrics` (when METRICS_ENABLED) and request timing. It imports no feature: each feature records its own
 * counters in the shared registry (`metrics.registry.ts`), next to the code that counts. In a cluster worker the
 * scrape covers every worker, through the primary.
 */
@Module({
  controllers: [MetricsController],
  providers: [
    HttpMetricsHooks,
    { provide: ClusterMetricsClient, useFactory: () => new ClusterMetricsClient(metricsRegistry) },
  ],
})
export class MetricsModule {}
