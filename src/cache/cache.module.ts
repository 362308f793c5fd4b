import { Global, Module } from '@nestjs/common';
import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { cacheConfig } from '../config/cache.config.js';
import {
  CACHE_TUNING,
  CacheBackend,
  DEFAULT_CACHE_TUNING,
  createCacheBackend,
  type CacheTuning,
} from './cache-backend.js';
import { CacheStore } from './cache-store.js';
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
      provide: CacheBackend,
      inject: [cacheConfig.KEY, CACHE_TUNING],
      useFactory: (cfg: ConfigType<typeof cacheConfig>, tuning: CacheTuning) => createCacheBackend(cfg, tuning),
    },
  ],
  exports: [CacheBackend, CACHE_TUNING, ConfigModule],
})
export class CacheBackendModule {}

/**
 * Caching for the whole app (global: import it once, in AppModule). Provides:
 * - {@link PreviewCache}: stale-while-revalidate, negative caching, single-flight, fail-open;
 * - {@link CacheStore}: the bounded, fail-open store that `@Cached()` methods use;
 * - `CACHE_MANAGER` from `@nestjs/cache-manager`: the stock cache-manager over the same stores (it neither bounds
 *   operation time nor reports store errors; prefer the two above).
 */
@Global()
@Module({
  imports: [
    CacheBackendModule,
    NestCacheModule.registerAsync({
      imports: [CacheBackendModule],
      inject: [CacheBackend],
      useFactory: (backend: CacheBackend) => ({ stores: backend.keyvs }),
    }),
  ],
  providers: [
    CacheStore,
    { provide: CACHE_CLOCK, useValue: () => Date.now() },
    { provide: PreviewCache, useClass: StorePreviewCache },
  ],
  exports: [PreviewCache, CacheStore, NestCacheModule],
})
export class CacheModule {}
