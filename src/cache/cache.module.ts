import { Global, Module } from '@nestjs/common';
import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { cacheConfig } from '../config/cache.config.js';
import { CACHE_TUNING, CacheTiers, DEFAULT_CACHE_TUNING, createCacheTiers, type CacheTuning } from './cache-tiers.js';
import { FailOpenStore } from './fail-open-store.js';
import { CACHE_CLOCK, PreviewCache, StorePreviewCache } from './preview-cache.js';

/**
 * The configured stores (CACHE_STORE), built once in a DI factory and closed on shutdown. Its own module so that
 * both cache-manager's module and {@link CacheModule} resolve the same instance.
 */
@Module({
  imports: [ConfigModule.forFeature(cacheConfig)],
  providers: [
    { provide: CACHE_TUNING, useValue: DEFAULT_CACHE_TUNING },
    {
      provide: CacheTiers,
      inject: [cacheConfig.KEY, CACHE_TUNING],
      useFactory: (cfg: ConfigType<typeof cacheConfig>, tuning: CacheTuning) => createCacheTiers(cfg, tuning),
    },
  ],
  exports: [CacheTiers, CACHE_TUNING, ConfigModule],
})
export class CacheTiersModule {}

/**
 * Caching for the whole app (global: import it once, in AppModule). Provides:
 * - {@link PreviewCache}: stale-while-revalidate, negative caching, single-flight, fail-open;
 * - {@link FailOpenStore}: the bounded, fail-open store that `@Cached()` methods use;
 * - `CACHE_MANAGER` from `@nestjs/cache-manager`: the stock cache-manager over the same stores (it neither bounds
 *   operation time nor reports store errors; prefer the two above).
 */
@Global()
@Module({
  imports: [
    CacheTiersModule,
    NestCacheModule.registerAsync({
      imports: [CacheTiersModule],
      inject: [CacheTiers],
      useFactory: (tiers: CacheTiers) => ({ stores: tiers.keyvs }),
    }),
  ],
  providers: [
    FailOpenStore,
    { provide: CACHE_CLOCK, useValue: () => Date.now() },
    { provide: PreviewCache, useClass: StorePreviewCache },
  ],
  exports: [PreviewCache, FailOpenStore, NestCacheModule],
})
export class CacheModule {}
