import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { CacheTiers } from '../cache/cache-tiers.js';
import { CacheTiersModule } from '../cache/cache.module.js';
import { cacheConfig } from '../config/cache.config.js';
import { MemoryOriginBudget, OriginBudget, SharedOriginBudget } from '../fetcher/origin-budget.js';

/**
 * Where the fetcher counts its per-origin budget (FETCH_PER_ORIGIN_PER_SECOND): in memcached when the cache store is
 * memcached, so that every process and replica sharing it shares one budget per origin; per process otherwise. Global,
 * because the one fetcher of the app (shared by previews, oEmbed and manifests) lives in a module that knows no cache.
 */
@Global()
@Module({
  imports: [CacheTiersModule],
  providers: [
    {
      provide: OriginBudget,
      inject: [CacheTiers, cacheConfig.KEY],
      useFactory: (tiers: CacheTiers, cache: ConfigType<typeof cacheConfig>): OriginBudget =>
        tiers.memcached === undefined
          ? new MemoryOriginBudget()
          : new SharedOriginBudget(tiers.memcached, cache.keyPrefix),
    },
  ],
  exports: [OriginBudget],
})
export class OriginBudgetModule {}
