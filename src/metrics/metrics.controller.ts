import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '../common/errors/domain-error.js';
import { appConfig } from '../config/app.config.js';
import { ClusterMetricsClient } from './cluster-metrics.js';
import { metricsRegistry } from './metrics.registry.js';
import { OpenAccess } from '../access/access.decorators.js';

/**
 * Prometheus scrape endpoint (text exposition format); `METRICS_ENABLED=false` answers 404. With WEB_CONCURRENCY>1
 * it answers for every worker of the cluster. Not in the public API docs.
 */
@ApiExcludeController()
@OpenAccess()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly exposition: ClusterMetricsClient,
  ) {}

  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    if (!this.cfg.metricsEnabled) throw new DomainError('NOT_FOUND', 'Cannot GET /metrics');
    return this.exposition.exposition();
  }
}
