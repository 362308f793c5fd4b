import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { CacheTiers } from '../cache/cache-tiers.js';
import { CacheTiersModule } from '../cache/cache.module.js';
import { accessConfig } from '../config/access.config.js';
import { cacheConfig } from '../config/cache.config.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { MemcachedRateLimitStore, MemoryRateLimitStore, RateLimitStore } from './rate-limit-store.js';

/**
 * Access control for every route, as global guards in this order: {@link ApiKeyGuard} (who is calling), then
 * {@link RateLimitGuard} (how often). Nothing answers a route before them.
 */
@Module({
  imports: [ConfigModule.forFeature(accessConfig), CacheTiersModule],
  providers: [
    {
      provide: RateLimitStore,
      inject: [CacheTiers, cacheConfig.KEY],
      useFactory: (tiers: CacheTiers, cache: ConfigType<typeof cacheConfig>): RateLimitStore =>
        tiers.memcached === undefined
          ? new MemoryRateLimitStore()
          : new MemcachedRateLimitStore(tiers.memcached, cache.keyPrefix),
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class AccessModule {}
