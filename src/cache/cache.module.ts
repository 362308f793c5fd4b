import { Global, Module } from '@nestjs/common';
import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { cacheConfig } from '../config/cache.config.js';
import { concurrencyConfig } from '../config/concurrency.config.js';
import { fetchConfig } from '../config/fetch.config.js';
import { CACHE_TUNING, CacheTiers, DEFAULT_CACHE_TUNING, createCacheTiers, type CacheTuning } from './cache-tiers.js';
import { FailOpenStore } from './fail-open-store.js';
import { FleetLeases } from './fleet-leases.js';
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
      useFactory: async (cfg: ConfigType<typeof cacheConfig>, tuning: CacheTuning) => {
        const tiers = createCacheTiers(cfg, tuning);
        await tiers.start();
        return tiers;
      },
    },
  ],
  exports: [CacheTiers, CACHE_TUNING, ConfigModule],
})
export class CacheTiersModule {}

/** Slack on top of the longest load (fetch deadline + parse deadline) in the life of a cross-process lease. */
const LEASE_MARGIN_MS = 2000;

/** Life of a cross-process lease: a little above the longest a load may take. */
export function leaseTtlMs(
  fetch: Pick<ConfigType<typeof fetchConfig>, 'timeoutMs'>,
  concurrency: Pick<ConfigType<typeof concurrencyConfig>, 'parseTimeoutMs'>,
): number {
  return fetch.timeoutMs + concurrency.parseTimeoutMs + LEASE_MARGIN_MS;
}

/**
 * Caching for the whole app (global: import it once, in AppModule). Provides:
 * - {@link PreviewCache}: stale-while-revalidate, negative caching, single-flight (across processes sharing
 *   memcached too), fail-open;
 * - {@link FailOpenStore}: the bounded, fail-open store that `@Cached()` methods use;
 * - `CACHE_MANAGER` from `@nestjs/cache-manager`: the stock cache-manager over the same stores (it neither bounds
 *   operation time nor reports store errors; prefer the two above).
 */
@Global()
@Module({
  imports: [
    CacheTiersModule,
    ConfigModule.forFeature(fetchConfig),
    ConfigModule.forFeature(concurrencyConfig),
    NestCacheModule.registerAsync({
      imports: [CacheTiersModule],
      inject: [CacheTiers],
      useFactory: (tiers: CacheTiers) => ({ stores: tiers.keyvs }),
    }),
  ],
  providers: [
    FailOpenStore,
    {
      provide: FleetLeases,
      inject: [FailOpenStore, CACHE_TUNING, fetchConfig.KEY, concurrencyConfig.KEY],
      useFactory: (
        store: FailOpenStore,
        tuning: CacheTuning,
        fetch: ConfigType<typeof fetchConfig>,
        concurrency: ConfigType<typeof concurrencyConfig>,
      ) =>
        new FleetLeases(store, {
          ttlMs: leaseTtlMs(fetch, concurrency),
          pollMinMs: tuning.leasePollMinMs,
          pollMaxMs: tuning.leasePollMaxMs,
          opTimeoutMs: tuning.leaseTimeoutMs,
        }),
    },
    { provide: CACHE_CLOCK, useValue: () => Date.now() },
    { provide: PreviewCache, useClass: StorePreviewCache },
  ],
  exports: [PreviewCache, FailOpenStore, NestCacheModule],
})
export class CacheModule {}
