import { Test, type TestingModule } from '@nestjs/testing';
import { DomainError } from '../common/errors/domain-error.js';
import { cacheConfig, readCacheConfig } from '../config/cache.config.js';
import { CACHE_TUNING, CacheTiers, DEFAULT_CACHE_TUNING } from './cache-tiers.js';
import { FailOpenStore } from './fail-open-store.js';
import { CacheModule } from './cache.module.js';
import { CACHE_CLOCK, PreviewCache, type Resolved } from './preview-cache.js';

const T0 = Date.UTC(2030, 0, 1);
const URL_A = 'https://example.com/a';

/** A loader that counts its calls and answers `value` after `delayMs`. */
function countingLoader<T>(value: T, delayMs = 0) {
  const loader = Object.assign(
    async () => {
      loader.calls += 1;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return value;
    },
    { calls: 0 },
  );
  return loader;
}

function failingLoader(error: Error) {
  const loader = Object.assign(
    async () => {
      loader.calls += 1;
      await Promise.resolve();
      throw error;
    },
    { calls: 0 },
  );
  return loader;
}

describe('PreviewCache over the memory store', () => {
  let moduleRef: TestingModule;
  let cache: PreviewCache;
  let now: number;

  async function start(env: Record<string, string> = {}): Promise<void> {
    now = T0;
    moduleRef = await Test.createTestingModule({ imports: [CacheModule] })
      .overrideProvider(cacheConfig.KEY)
      .useValue(readCacheConfig({ CACHE_TTL_SECONDS: '60', CACHE_STALE_SECONDS: '600', ...env }))
      .overrideProvider(CACHE_CLOCK)
      .useValue(() => now)
      .compile();
    await moduleRef.init();
    cache = moduleRef.get(PreviewCache);
  }

  beforeEach(() => start());
  afterEach(() => moduleRef.close());

  it('misses, then hits with the remaining freshness', async () => {
    const loader = countingLoader({ title: 'A' });
    const key = cache.keyFor(URL_A);

    await expect(cache.resolve(key, loader)).resolves.toEqual({
      value: { title: 'A' },
      state: 'MISS',
      storedAt: T0,
      maxAgeSeconds: 60,
    });
    now = T0 + 20_500;
    await expect(cache.resolve(key, loader)).resolves.toEqual({
      value: { title: 'A' },
      state: 'HIT',
      storedAt: T0,
      maxAgeSeconds: 39,
      tier: 'memory',
    });
    expect(loader.calls).toBe(1);
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, stale: 0, storeErrors: 0, oversize: 0 });
  });

  it('keeps different variants of one URL apart', async () => {
    await cache.resolve(cache.keyFor(URL_A, { fields: ['title'] }), countingLoader('titles'));
    const full = await cache.resolve(cache.keyFor(URL_A, {}), countingLoader('everything'));
    expect(full).toEqual({ value: 'everything', state: 'MISS', storedAt: T0, maxAgeSeconds: 60 });
  });

  it('serves a stale entry at once and runs exactly one background refresh', async () => {
    const key = cache.keyFor(URL_A);
    await cache.resolve(key, countingLoader('v1'));
    now = T0 + 61_000;
    const refresh = countingLoader('v2', 50);

    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.resolve(key, refresh)));

    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(
      new Set([JSON.stringify({ value: 'v1', state: 'STALE', storedAt: T0, maxAgeSeconds: 0, tier: 'memory' })]),
    );
    await cache.settled();
    expect(refresh.calls).toBe(1);
    await expect(cache.resolve(key, refresh)).resolves.toEqual({
      value: 'v2',
      state: 'HIT',
      storedAt: T0 + 61_000,
      maxAgeSeconds: 60,
      tier: 'memory',
    });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, stale: 20 });
  });

  it('keeps the stale entry when the background refresh fails', async () => {
    const key = cache.keyFor(URL_A);
    await cache.resolve(key, countingLoader('v1'));
    now = T0 + 61_000;
    const broken = failingLoader(
      new DomainError('UPSTREAM_ERROR', 'target answered 410', { details: { upstreamStatus: 410 } }),
    );

    await expect(cache.resolve(key, broken)).resolves.toMatchObject({ value: 'v1', state: 'STALE' });
    await cache.settled();
    await expect(cache.resolve(key, broken)).resolves.toMatchObject({ value: 'v1', state: 'STALE' });
    await cache.settled();
    expect(broken.calls).toBe(2);
  });

  it('loads anew past the stale window', async () => {
    const key = cache.keyFor(URL_A);
    await cache.resolve(key, countingLoader('v1'));
    now = T0 + 661_000;
    await expect(cache.resolve(key, countingLoader('v2'))).resolves.toEqual({
      value: 'v2',
      state: 'MISS',
      storedAt: T0 + 661_000,
      maxAgeSeconds: 60,
    });
  });

  it('shares one loader call between 100 concurrent cold resolves', async () => {
    const loader = countingLoader({ title: 'A' }, 30);
    const key = cache.keyFor(URL_A);

    const answers = await Promise.all(Array.from({ length: 100 }, () => cache.resolve(key, loader)));

    expect(loader.calls).toBe(1);
    expect(answers).toEqual(
      Array.from({ length: 100 }, (): Resolved<unknown> => ({
        value: { title: 'A' },
        state: 'MISS',
        storedAt: T0,
        maxAgeSeconds: 60,
      })),
    );
  });

  it('shares one failing loader call too, and every caller gets its error', async () => {
    const error = new DomainError('UPSTREAM_ERROR', 'connection refused', { details: { cause: 'refused' } });
    const loader = failingLoader(error);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => cache.resolve(cache.keyFor(URL_A), loader)),
    );
    expect(loader.calls).toBe(1);
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ status: 'rejected', reason: error })));
  });

  it.each([
    [
      'a 404 from the target',
      new DomainError('UPSTREAM_ERROR', 'target answered 404', { details: { upstreamStatus: 404 } }),
    ],
    [
      'a 410 from the target',
      new DomainError('UPSTREAM_ERROR', 'target answered 410', { details: { upstreamStatus: 410 } }),
    ],
  ])('caches %s for CACHE_ERROR_TTL_SECONDS and re-throws it on a hit', async (_name, error) => {
    await start({ CACHE_ERROR_TTL_SECONDS: '30', CACHE_TRANSIENT_ERROR_TTL_SECONDS: '5' });
    const key = cache.keyFor(URL_A);
    const loader = failingLoader(error);

    await expect(cache.resolve(key, loader)).rejects.toBe(error);
    now = T0 + 29_000;
    const cached = await cache.resolve(key, loader).catch((thrown: unknown) => thrown);
    expect(cached).toBeInstanceOf(DomainError);
    expect(cached).toMatchObject({ code: error.code, message: error.message, details: error.details });
    expect(loader.calls).toBe(1);

    now = T0 + 30_000;
    await expect(cache.resolve(key, countingLoader('back'))).resolves.toEqual({
      value: 'back',
      state: 'MISS',
      storedAt: T0 + 30_000,
      maxAgeSeconds: 60,
    });
  });

  it.each([
    ['a timeout', new DomainError('UPSTREAM_TIMEOUT', 'no answer within 8000 ms')],
    [
      'a 503 from the target',
      new DomainError('UPSTREAM_ERROR', 'target answered 503', { details: { upstreamStatus: 503 } }),
    ],
    ['a reset', new DomainError('UPSTREAM_ERROR', 'target could not be read', { details: { cause: 'reset' } })],
  ])('caches %s for CACHE_TRANSIENT_ERROR_TTL_SECONDS only', async (_name, error) => {
    await start({ CACHE_ERROR_TTL_SECONDS: '30', CACHE_TRANSIENT_ERROR_TTL_SECONDS: '5' });
    const key = cache.keyFor(URL_A);
    const loader = failingLoader(error);

    await expect(cache.resolve(key, loader)).rejects.toBe(error);
    now = T0 + 4_999;
    await expect(cache.resolve(key, loader)).rejects.toMatchObject({ code: error.code, details: error.details });
    expect(loader.calls).toBe(1);
    now = T0 + 5_000;
    await expect(cache.resolve(key, countingLoader('back'))).resolves.toMatchObject({ value: 'back', state: 'MISS' });
  });

  it.each([
    ['INVALID_URL', new DomainError('INVALID_URL', 'not an http(s) URL')],
    ['BLOCKED_DESTINATION', new DomainError('BLOCKED_DESTINATION', 'resolves to 127.0.0.1')],
    [
      'a timeout waiting for an origin slot',
      new DomainError('UPSTREAM_TIMEOUT', 'queued too long', { details: { cause: 'queue', reachedUpstream: false } }),
    ],
    ['OVERLOADED', new DomainError('OVERLOADED', 'parse queue full')],
    ['an unexpected error', new Error('bug')],
  ])('never caches %s', async (_name, error) => {
    const key = cache.keyFor(URL_A);
    const loader = failingLoader(error);
    await expect(cache.resolve(key, loader)).rejects.toBe(error);
    await expect(cache.resolve(key, loader)).rejects.toBe(error);
    expect(loader.calls).toBe(2);
  });

  it('caches no error when its class has a TTL of 0', async () => {
    await start({ CACHE_TRANSIENT_ERROR_TTL_SECONDS: '0' });
    const loader = failingLoader(new DomainError('UPSTREAM_TIMEOUT', 'slow'));
    const key = cache.keyFor(URL_A);
    await expect(cache.resolve(key, loader)).rejects.toThrow('slow');
    await expect(cache.resolve(key, loader)).rejects.toThrow('slow');
    expect(loader.calls).toBe(2);
  });

  it('skips the read on refresh but writes the new value', async () => {
    const key = cache.keyFor(URL_A);
    await cache.resolve(key, countingLoader('v1'));
    now = T0 + 1000;
    await expect(cache.resolve(key, countingLoader('v2'), { refresh: true })).resolves.toEqual({
      value: 'v2',
      state: 'MISS',
      storedAt: T0 + 1000,
      maxAgeSeconds: 60,
    });
    await expect(cache.resolve(key, countingLoader('v3'))).resolves.toMatchObject({ value: 'v2', state: 'HIT' });
  });

  it('purges one entry', async () => {
    const key = cache.keyFor(URL_A);
    const other = cache.keyFor('https://example.com/b');
    await cache.resolve(key, countingLoader('a'));
    await cache.resolve(other, countingLoader('b'));

    await expect(cache.delete(key)).resolves.toBe(true);

    await expect(cache.resolve(key, countingLoader('a2'))).resolves.toMatchObject({ value: 'a2', state: 'MISS' });
    await expect(cache.resolve(other, countingLoader('b2'))).resolves.toMatchObject({ value: 'b', state: 'HIT' });
  });

  it('treats an entry of another layout as a miss', async () => {
    const key = cache.keyFor(URL_A);
    await moduleRef.get(FailOpenStore).set(key, { v: 0, value: 'old layout' }, 60_000);
    await expect(cache.resolve(key, countingLoader('new'))).resolves.toMatchObject({ value: 'new', state: 'MISS' });
  });

  it('expires entries in the store after fresh + stale life (real time)', async () => {
    await moduleRef.close();
    moduleRef = await Test.createTestingModule({ imports: [CacheModule] })
      .overrideProvider(cacheConfig.KEY)
      .useValue(readCacheConfig({ CACHE_TTL_SECONDS: '1', CACHE_STALE_SECONDS: '0' }))
      .compile();
    await moduleRef.init();
    cache = moduleRef.get(PreviewCache);
    const key = cache.keyFor(URL_A);
    await cache.resolve(key, countingLoader('v1'));
    await expect(moduleRef.get(FailOpenStore).get(key)).resolves.toMatchObject({ value: 'v1' });

    await new Promise((resolve) => setTimeout(resolve, 1100));

    await expect(moduleRef.get(FailOpenStore).get(key)).resolves.toBeUndefined();
    await expect(cache.resolve(key, countingLoader('v2'))).resolves.toMatchObject({ value: 'v2', state: 'MISS' });
  });

  it('bounds the memory store to CACHE_MEMORY_MAX_ITEMS, evicting the least recently used', async () => {
    await start({ CACHE_MEMORY_MAX_ITEMS: '3' });
    const keys = ['a', 'b', 'c', 'd'].map((path) => cache.keyFor(`https://example.com/${path}`));
    for (const key of keys.slice(0, 3)) await cache.resolve(key, countingLoader(key));
    await cache.resolve(keys[0], countingLoader('unused'));
    await cache.resolve(keys[3], countingLoader(keys[3]));

    const store = moduleRef.get(FailOpenStore);
    const kept = await Promise.all(keys.map(async (key) => (await store.get(key)) !== undefined));
    expect(kept).toEqual([true, false, true, true]);
  });
});

describe('PreviewCache over the memory store, bounded by bytes', () => {
  it('keeps the memory store under CACHE_MEMORY_MAX_MB however large the entries', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CacheModule] })
      .overrideProvider(cacheConfig.KEY)
      .useValue(readCacheConfig({ CACHE_MEMORY_MAX_MB: '1' }))
      .compile();
    await moduleRef.init();
    const cache = moduleRef.get(PreviewCache);
    const tiers = moduleRef.get(CacheTiers);
    const big = 'x'.repeat(100_000);
    const keys = Array.from({ length: 30 }, (_, i) => cache.keyFor(`https://example.com/big/${i}`));
    for (const key of keys) await cache.resolve(key, () => Promise.resolve(big));
    const memory = tiers.levels[0].memory;
    expect(memory?.keptBytes).toBeLessThanOrEqual(1024 * 1024);
    // 100,000 characters are about 200 KB: five fit in 1 MiB, the five most recent.
    expect(memory?.size).toBe(5);
    await expect(cache.resolve(keys[29], () => Promise.resolve('unused'))).resolves.toMatchObject({ state: 'HIT' });
    await expect(cache.resolve(keys[0], () => Promise.resolve('again'))).resolves.toMatchObject({ state: 'MISS' });
    await moduleRef.close();
  });
});

describe('CacheModule tuning', () => {
  it('uses the default tuning', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CacheModule] })
      .overrideProvider(cacheConfig.KEY)
      .useValue(readCacheConfig({}))
      .compile();
    expect(moduleRef.get(CACHE_TUNING)).toEqual(DEFAULT_CACHE_TUNING);
    await moduleRef.close();
  });
});
