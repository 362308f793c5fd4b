import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { KeyvMemcache } from '@keyv/memcache';
import { DomainError } from '../common/errors/domain-error.js';
import { cacheConfig, readCacheConfig } from '../config/cache.config.js';
import { startMemcached, startMemcacheds, stopAll, type MemcachedProcess } from '../../test/support/memcached.js';
import { CACHE_TUNING, CacheTiers, DEFAULT_CACHE_TUNING, type CacheTuning } from './cache-tiers.js';
import { FailOpenStore } from './fail-open-store.js';
import { CacheModule } from './cache.module.js';
import { ketamaServerIndex, MEMCACHED_MAX_TTL_MS, memcachedTtlMs } from './memcached-store.js';
import { PreviewCache } from './preview-cache.js';

jest.setTimeout(20_000);

const urls = (count: number, tag = 'page') =>
  Array.from({ length: count }, (_, i) => `https://example.com/${tag}/${i}`);

async function startCache(
  servers: readonly MemcachedProcess[],
  env: Record<string, string> = {},
  tuning: CacheTuning = DEFAULT_CACHE_TUNING,
) {
  const moduleRef = await Test.createTestingModule({ imports: [CacheModule] })
    .overrideProvider(CACHE_TUNING)
    .useValue(tuning)
    .overrideProvider(cacheConfig.KEY)
    .useValue(
      readCacheConfig({
        CACHE_STORE: 'memcached',
        MEMCACHED_SERVERS: servers.map((server) => server.address).join(','),
        ...env,
      }),
    )
    .compile();
  await moduleRef.init();
  return moduleRef;
}

/** A plain client of one server, to look at what landed there. */
function serverClient(server: MemcachedProcess): KeyvMemcache {
  return new KeyvMemcache(server.address, { logger: { log: () => undefined } });
}

async function storedKeys(server: MemcachedProcess, keys: readonly string[]): Promise<Set<string>> {
  const client = serverClient(server);
  try {
    const found = await Promise.all(keys.map(async (key) => ((await client.has(key)) ? key : undefined)));
    return new Set(found.filter((key) => key !== undefined));
  } finally {
    (client.client as unknown as { close(): void }).close();
  }
}

describe('ketama key placement', () => {
  const two = ['10.0.0.1:11211', '10.0.0.2:11211'];
  const three = [...two, '10.0.0.3:11211'];
  const keys = urls(3000).map((url) => `lps:v1:${url}`);

  it('spreads keys over every server', () => {
    const pick = ketamaServerIndex(three);
    const counts = [0, 0, 0];
    for (const key of keys) counts[pick(key)] += 1;
    for (const count of counts) expect(count).toBeGreaterThan(600);
  });

  it('moves about a third of the keys when a third server joins two, and only to the new server', () => {
    const before = ketamaServerIndex(two);
    const after = ketamaServerIndex(three);
    const moved = keys.filter((key) => before(key) !== after(key));

    expect(moved.length / keys.length).toBeGreaterThan(0.2);
    expect(moved.length / keys.length).toBeLessThan(0.45);
    expect(new Set(moved.map((key) => after(key)))).toEqual(new Set([2]));
  });
});

describe('memcached TTLs', () => {
  it.each([
    [undefined, MEMCACHED_MAX_TTL_MS],
    [1, 1000],
    [999, 1000],
    [1001, 2000],
    [3_600_000, 3_600_000],
    [90 * 86_400_000, MEMCACHED_MAX_TTL_MS],
  ])('sends %p ms as %p ms (whole seconds, 1 s to 30 days)', (ttl, sent) => {
    expect(memcachedTtlMs(ttl)).toBe(sent);
  });
});

describe('PreviewCache over two memcached servers', () => {
  let servers: MemcachedProcess[] = [];
  let moduleRef: TestingModule | undefined;

  beforeEach(async () => {
    servers = await startMemcacheds(2);
    moduleRef = await startCache(servers);
  });

  afterEach(async () => {
    await moduleRef?.close();
    await stopAll(servers);
  });

  it('places keys on both servers, each key on the server the ring names', async () => {
    const cache = moduleRef!.get(PreviewCache);
    const keys = urls(200).map((url) => cache.keyFor(url));
    for (const key of keys) await cache.resolve(key, () => Promise.resolve({ title: key }));

    const [first, second] = await Promise.all(servers.map((server) => storedKeys(server, keys)));
    const pick = ketamaServerIndex(servers.map((server) => server.address));

    expect(first.size).toBeGreaterThan(40);
    expect(second.size).toBeGreaterThan(40);
    expect(first).toEqual(new Set(keys.filter((key) => pick(key) === 0)));
    expect(second).toEqual(new Set(keys.filter((key) => pick(key) === 1)));
  });

  it('shares entries between processes through memcached (a second app instance hits)', async () => {
    const cache = moduleRef!.get(PreviewCache);
    const key = cache.keyFor('https://example.com/shared');
    await cache.resolve(key, () => Promise.resolve({ title: 'shared' }));

    const other = await startCache(servers);
    try {
      const answer = await other.get(PreviewCache).resolve(key, () => Promise.resolve({ title: 'reloaded' }));
      expect(answer).toMatchObject({ value: { title: 'shared' }, state: 'HIT' });
      expect(other.get(PreviewCache).stats()).toEqual({ hits: 1, misses: 0, stale: 0, storeErrors: 0, oversize: 0 });
    } finally {
      await other.close();
    }
  });

  it('caches errors about the target in memcached too', async () => {
    const cache = moduleRef!.get(PreviewCache);
    const key = cache.keyFor('https://example.com/gone');
    const gone = new DomainError('UPSTREAM_ERROR', 'target answered 410', { details: { upstreamStatus: 410 } });
    await expect(cache.resolve(key, () => Promise.reject(gone))).rejects.toBe(gone);

    const other = await startCache(servers);
    try {
      const thrown = await other
        .get(PreviewCache)
        .resolve(key, () => Promise.resolve('unused'))
        .catch((error: unknown) => error);
      expect(thrown).toEqual(gone);
      expect(thrown).toBeInstanceOf(DomainError);
    } finally {
      await other.close();
    }
  });

  it('purges an entry from the L1 and from memcached', async () => {
    const cache = moduleRef!.get(PreviewCache);
    const key = cache.keyFor('https://example.com/purged');
    await cache.resolve(key, () => Promise.resolve('v1'));

    await expect(cache.delete(key)).resolves.toBe(true);

    const [first, second] = await Promise.all(servers.map((server) => storedKeys(server, [key])));
    expect([...first, ...second]).toEqual([]);
    await expect(cache.resolve(key, () => Promise.resolve('v2'))).resolves.toMatchObject({
      value: 'v2',
      state: 'MISS',
    });
  });

  it('answers a miss after shutdown instead of reconnecting to memcached', async () => {
    const tiers = moduleRef!.get(CacheTiers);
    await tiers.close();
    await expect(tiers.levels[1].keyv.get('lps:any')).rejects.toThrow('memcached store is closed');
    await expect(moduleRef!.get(FailOpenStore).get('lps:any')).resolves.toBeUndefined();
  });

  it('expires an entry after its TTL (real seconds)', async () => {
    const store = moduleRef!.get(FailOpenStore);
    const l2 = moduleRef!.get(CacheTiers).levels[1].keyv;
    await store.set('lps:short', { n: 1 }, 1000);
    await expect(l2.get('lps:short')).resolves.toEqual({ n: 1 });

    await new Promise((resolve) => setTimeout(resolve, 2100));

    await expect(l2.get('lps:short')).resolves.toBeUndefined();
  });

  it('does not store a value over 1 MB and counts it', async () => {
    const cache = moduleRef!.get(PreviewCache);
    const big = 'x'.repeat(1024 * 1024);
    const small = 'y'.repeat(900 * 1024);
    const bigKey = cache.keyFor('https://example.com/big');
    const smallKey = cache.keyFor('https://example.com/small');

    await expect(cache.resolve(bigKey, () => Promise.resolve(big))).resolves.toMatchObject({ state: 'MISS' });
    await expect(cache.resolve(smallKey, () => Promise.resolve(small))).resolves.toMatchObject({ state: 'MISS' });

    const [first, second] = await Promise.all(servers.map((server) => storedKeys(server, [bigKey, smallKey])));
    expect(new Set([...first, ...second])).toEqual(new Set([smallKey]));
    await expect(cache.resolve(bigKey, () => Promise.resolve('again'))).resolves.toMatchObject({
      value: 'again',
      state: 'MISS',
    });
    expect(cache.stats()).toMatchObject({ oversize: 1, storeErrors: 0 });
  });

  it('answers every resolve when one server is killed mid-test', async () => {
    const cache = moduleRef!.get(PreviewCache);
    const keys = urls(40, 'before').map((url) => cache.keyFor(url));
    for (const key of keys) await cache.resolve(key, () => Promise.resolve(key));

    await servers[1].stop();

    const fresh = urls(40, 'after').map((url) => cache.keyFor(url));
    const answers = await Promise.all([...keys, ...fresh].map((key) => cache.resolve(key, () => Promise.resolve(key))));
    expect(answers.map((answer) => answer.value)).toEqual([...keys, ...fresh]);
    // Written by this process: the L1 still has them, whichever server is gone.
    expect(answers.slice(0, 40).map((answer) => answer.state)).toEqual(keys.map(() => 'HIT'));

    // A new process (empty L1) fails over to the live server: what it writes, it reads back.
    const other = await startCache(servers);
    try {
      const otherCache = other.get(PreviewCache);
      for (const key of fresh) await otherCache.resolve(key, () => Promise.resolve('rewritten'));
      const again = await Promise.all(fresh.map((key) => otherCache.resolve(key, () => Promise.resolve('unused'))));
      expect(again.every((answer) => answer.state === 'HIT')).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('answers within a bounded time when every server is gone (fail-open)', async () => {
    await stopAll(servers);
    const other = await startCache(servers);
    try {
      const cache = other.get(PreviewCache);
      const started = Date.now();
      const keys = urls(50, 'dead').map((url) => cache.keyFor(url));

      const answers = await Promise.all(keys.map((key) => cache.resolve(key, () => Promise.resolve('live'))));
      const again = await cache.resolve(keys[0], () => Promise.resolve('live'));

      expect(Date.now() - started).toBeLessThan(2000);
      expect(answers.map((answer) => answer.value)).toEqual(keys.map(() => 'live'));
      expect(again).toMatchObject({ value: 'live', state: 'HIT' });
      expect(cache.stats().storeErrors).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});

describe('PreviewCache with a memcached that stops answering', () => {
  it.each([
    ['the default store timeout', DEFAULT_CACHE_TUNING],
    ['a store timeout of 50 ms', { ...DEFAULT_CACHE_TUNING, storeTimeoutMs: 50 }],
  ])(
    'answers within a bounded time when the server accepts connections but never replies (%s)',
    async (_name, tuning) => {
      const server = await startMemcached();
      const moduleRef = await startCache([server], {}, tuning);
      try {
        const cache = moduleRef.get(PreviewCache);
        const key = cache.keyFor('https://example.com/frozen');
        process.kill(server.pid, 'SIGSTOP');
        const started = Date.now();

        const answer = await cache.resolve(key, () => Promise.resolve('live'));

        expect(Date.now() - started).toBeLessThan(2000);
        expect(answer).toMatchObject({ value: 'live', state: 'MISS' });
        expect(cache.stats().storeErrors).toBeGreaterThan(0);
      } finally {
        process.kill(server.pid, 'SIGCONT');
        await moduleRef.close();
        await server.stop();
      }
    },
  );
});
