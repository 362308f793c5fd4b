import { readCacheConfig } from './cache.config.js';
import { ConfigError } from './env.js';

describe('readCacheConfig', () => {
  it('has the documented defaults', () => {
    expect(readCacheConfig({})).toEqual({
      store: 'memory',
      ttlSeconds: 3600,
      staleSeconds: 86_400,
      transientErrorTtlSeconds: 15,
      errorTtlSeconds: 60,
      blockedTtlSeconds: 300,
      memoryMaxItems: 10_000,
      memoryMaxMb: 128,
      l1MaxItems: 10_000,
      bodiesMaxItems: 10_000,
      bodiesMaxMb: 32,
      fileDir: '.cache/previews',
      fileMaxItems: 100_000,
      memcachedServers: ['127.0.0.1:11211'],
      memcachedResolveSeconds: 30,
      keyPrefix: 'lps:',
    });
  });

  it('reads every variable', () => {
    const env = {
      CACHE_STORE: 'Memcached',
      CACHE_TTL_SECONDS: '60',
      CACHE_STALE_SECONDS: '0',
      CACHE_TRANSIENT_ERROR_TTL_SECONDS: '3',
      CACHE_ERROR_TTL_SECONDS: '5',
      CACHE_BLOCKED_TTL_SECONDS: '30',
      CACHE_MEMORY_MAX_ITEMS: '10',
      CACHE_MEMORY_MAX_MB: '16',
      CACHE_L1_MAX_ITEMS: '0',
      CACHE_BODIES_MAX_ITEMS: '0',
      CACHE_BODIES_MAX_MB: '4',
      CACHE_FILE_DIR: '/var/cache/lps',
      CACHE_FILE_MAX_ITEMS: '20',
      MEMCACHED_SERVERS: ' mc-1:11211 , 10.0.0.2:11212',
      MEMCACHED_RESOLVE_SECONDS: '0',
      CACHE_KEY_PREFIX: 'preview/',
    };
    expect(readCacheConfig(env)).toEqual({
      store: 'memcached',
      ttlSeconds: 60,
      staleSeconds: 0,
      transientErrorTtlSeconds: 3,
      errorTtlSeconds: 5,
      blockedTtlSeconds: 30,
      memoryMaxItems: 10,
      memoryMaxMb: 16,
      l1MaxItems: 0,
      bodiesMaxItems: 0,
      bodiesMaxMb: 4,
      fileDir: '/var/cache/lps',
      fileMaxItems: 20,
      memcachedServers: ['mc-1:11211', '10.0.0.2:11212'],
      memcachedResolveSeconds: 0,
      keyPrefix: 'preview/',
    });
  });

  it.each([
    ['CACHE_STORE', 'redis', 'memory, file, memcached'],
    ['CACHE_TTL_SECONDS', '0', 'an integer from 1 to 31536000'],
    ['CACHE_STALE_SECONDS', '-1', 'an integer from 0 to 31536000'],
    ['CACHE_ERROR_TTL_SECONDS', '1h', 'an integer from 0 to 86400'],
    ['CACHE_BLOCKED_TTL_SECONDS', '86401', 'an integer from 0 to 86400'],
    ['CACHE_TRANSIENT_ERROR_TTL_SECONDS', '15s', 'an integer from 0 to 86400'],
    ['CACHE_MEMORY_MAX_MB', '0', 'an integer from 1 to 65536'],
    ['MEMCACHED_RESOLVE_SECONDS', '-1', 'an integer from 0 to 86400'],
    ['CACHE_MEMORY_MAX_ITEMS', '0', 'an integer from 1 to 16777216'],
    ['CACHE_FILE_MAX_ITEMS', '0', 'an integer from 1 to 10000000'],
  ])('refuses %s=%p naming what is allowed', (variable, value, allowed) => {
    expect(() => readCacheConfig({ [variable]: value })).toThrow(new ConfigError(variable, value, allowed));
  });

  it.each(['localhost', 'mc:0', 'mc:99999', 'mc 1:11211', '[::1]:11211'])(
    'refuses %p in MEMCACHED_SERVERS',
    (server) => {
      expect(() => readCacheConfig({ MEMCACHED_SERVERS: `127.0.0.1:11211,${server}` })).toThrow(
        new ConfigError('MEMCACHED_SERVERS', server, 'comma-separated host:port pairs (host name or IPv4)'),
      );
    },
  );

  it.each(['has space', 'tab\there', 'é:', 'x'.repeat(33)])('refuses %p as a key prefix', (prefix) => {
    expect(() => readCacheConfig({ CACHE_KEY_PREFIX: prefix })).toThrow(
      new ConfigError('CACHE_KEY_PREFIX', prefix, 'at most 32 printable ASCII characters without spaces'),
    );
  });

  it('accepts a key prefix of 32 printable characters', () => {
    expect(readCacheConfig({ CACHE_KEY_PREFIX: 'p'.repeat(32) }).keyPrefix).toBe('p'.repeat(32));
  });
});
