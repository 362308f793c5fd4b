import { Module } from '@nestjs/common';
import { HttpMetricsHooks } from './http-metrics.hooks.js';
import { MetricsController } from './metrics.controller.js';

/**
 * `GET /metrics` (when METRICS_ENABLED) and request timing. It imports no feature: each feature records its own
 * counters in the shared registry (`metrics.registry.ts`), next to the code that counts.
 */
@Module({
  controllers: [MetricsController],
  providers: [HttpMetricsHooks],
})
export class MetricsModule {}
