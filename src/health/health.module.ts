import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { CacheTiersModule } from '../cache/cache.module.js';
import { cacheConfig } from '../config/cache.config.js';
import { healthConfig } from '../config/health.config.js';
import { ParsingModule } from '../parsing/parsing.module.js';
import { CacheHealth } from './cache-health.js';
import { EventLoopDelayMonitor } from './event-loop-delay.monitor.js';
import { HealthController } from './health.controller.js';
import { DEFAULT_HEALTH_TUNING, HEALTH_TUNING } from './health.tuning.js';

/** `/health/live` and `/health/ready`, with what readiness measures: the parse pool, the event loop, the cache. */
@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    ConfigModule.forFeature(healthConfig),
    ConfigModule.forFeature(cacheConfig),
    ParsingModule,
    CacheTiersModule,
  ],
  controllers: [HealthController],
  providers: [{ provide: HEALTH_TUNING, useValue: DEFAULT_HEALTH_TUNING }, EventLoopDelayMonitor, CacheHealth],
})
export class HealthModule {}
