import { registerAs } from '@nestjs/config';
import { ConfigError, int, isHostPort, list, oneOf, str, type Env } from './env.js';

export const CACHE_STORES = ['memory', 'file', 'memcached'] as const;
export type CacheStoreKind = (typeof CACHE_STORES)[number];

const DAY_SECONDS = 86_400;
const YEAR_SECONDS = 365 * DAY_SECONDS;

/** Printable ASCII without spaces: the prefix goes into memcached keys, which allow neither spaces nor controls. */
const KEY_PREFIX_PATTERN = /^[\x21-\x7e]{1,32}$/;

function keyPrefix(env: Env): string {
  const value = str(env, 'CACHE_KEY_PREFIX', 'lps:');
  if (!KEY_PREFIX_PATTERN.test(value)) {
    throw new ConfigError('CACHE_KEY_PREFIX', value, 'at most 32 printable ASCII characters without spaces');
  }
  return value;
}

/** Which cache store serves previews, how long entries live, and where each store keeps them. */
export function readCacheConfig(env: Env = process.env) {
  return {
    store: oneOf(env, 'CACHE_STORE', CACHE_STORES, 'memory'),
    ttlSeconds: int(env, 'CACHE_TTL_SECONDS', { default: 3600, min: 1, max: YEAR_SECONDS }),
    staleSeconds: int(env, 'CACHE_STALE_SECONDS', { default: DAY_SECONDS, min: 0, max: YEAR_SECONDS }),
    /** 5xx, 429, timeouts, resets, refused connections: the upstream may be back in a moment. */
    transientErrorTtlSeconds: int(env, 'CACHE_TRANSIENT_ERROR_TTL_SECONDS', { default: 15, min: 0, max: DAY_SECONDS }),
    /** 404, 410 and other 4xx, too large, TLS and decoding failures, bad redirects: answers that last. */
    errorTtlSeconds: int(env, 'CACHE_ERROR_TTL_SECONDS', { default: 60, min: 0, max: DAY_SECONDS }),
    /** Block pages, and redirects to a blocked destination. */
    blockedTtlSeconds: int(env, 'CACHE_BLOCKED_TTL_SECONDS', { default: 300, min: 0, max: DAY_SECONDS }),
    memoryMaxItems: int(env, 'CACHE_MEMORY_MAX_ITEMS', { default: 10_000, min: 1, max: 16_777_216 }),
    /** Approximate bytes the in-process store may take, in MiB: the memory store, or the L1 in front of memcached. */
    memoryMaxMb: int(env, 'CACHE_MEMORY_MAX_MB', { default: 128, min: 1, max: 65_536 }),
    /** Entries of the in-process L1 in front of memcached; 0 turns the L1 off (every read goes to memcached). */
    l1MaxItems: int(env, 'CACHE_L1_MAX_ITEMS', { default: 10_000, min: 0, max: 16_777_216 }),
    /**
     * Serialized answer bodies kept per process, keyed by the cached entry's version and the field selection, so a
     * cache hit skips serialization; the store is still read on every request. 0 turns it off.
     */
    bodiesMaxItems: int(env, 'CACHE_BODIES_MAX_ITEMS', { default: 10_000, min: 0, max: 16_777_216 }),
    /** Approximate bytes those bodies may take, in MiB. */
    bodiesMaxMb: int(env, 'CACHE_BODIES_MAX_MB', { default: 32, min: 1, max: 65_536 }),
    fileDir: str(env, 'CACHE_FILE_DIR', '.cache/previews'),
    fileMaxItems: int(env, 'CACHE_FILE_MAX_ITEMS', { default: 100_000, min: 1, max: 10_000_000 }),
    // memjs splits each server on ':', so an IPv6 literal ([::1]:11211) would become a wrong host and port.
    memcachedServers: list(env, 'MEMCACHED_SERVERS', ['127.0.0.1:11211'], {
      test: (item) => isHostPort(item) && !item.startsWith('['),
      allowed: 'comma-separated host:port pairs (host name or IPv4)',
    }),
    /**
     * How often the names in MEMCACHED_SERVERS are resolved again (a Kubernetes headless Service lists one address
     * per pod), so that scaling memcached needs no restart; 0 resolves them once, at start.
     */
    memcachedResolveSeconds: int(env, 'MEMCACHED_RESOLVE_SECONDS', { default: 30, min: 0, max: DAY_SECONDS }),
    keyPrefix: keyPrefix(env),
  };
}

export const cacheConfig = registerAs('cache', () => readCacheConfig());
export type CacheConfig = ReturnType<typeof readCacheConfig>;
