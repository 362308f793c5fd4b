import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../common/errors/domain-error.js';
import { cacheConfig, readCacheConfig } from '../config/cache.config.js';
import { concurrencyConfig, readConcurrencyConfig } from '../config/concurrency.config.js';
import { fetchConfig, readFetchConfig } from '../config/fetch.config.js';
import { metricsRegistry } from '../metrics/metrics.registry.js';
import {
  memcachedStats,
  startMemcached,
  startMemcachedAt,
  stopAll,
  type MemcachedProcess,
} from '../../test/support/memcached.js';
import { freePort } from '../../test/support/processes.js';
import { CACHE_TUNING, CacheTiers, DEFAULT_CACHE_TUNING, type CacheTuning } from './cache-tiers.js';
import { CacheModule } from './cache.module.js';
import { FailOpenStore } from './fail-open-store.js';
import { MemcachedAdapter } from './memcached-store.js';
import { PreviewCache } from './preview-cache.js';

jest.setTimeout(30_000);

/** One "process": a cache module of its own (its own L1, single-flight, leases) over the shared memcached. */
interface Instance {
  moduleRef: TestingModule;
  cache: PreviewCache;
}

async function instance(
  servers: string,
  env: Record<string, string> = {},
  tuning: Partial<CacheTuning> = {},
): Promise<Instance> {
  const moduleRef = await Test.createTestingModule({ imports: [CacheModule] })
    .overrideProvider(CACHE_TUNING)
    .useValue({ ...DEFAULT_CACHE_TUNING, ...tuning })
    .overrideProvider(cacheConfig.KEY)
    .useValue(readCacheConfig({ CACHE_STORE: 'memcached', MEMCACHED_SERVERS: servers, ...env }))
    // A short lease (100 ms fetch + 10 ms parse + 2 s), so that a test of a lease that is never released is short.
    .overrideProvider(fetchConfig.KEY)
    .useValue(readFetchConfig({ FETCH_TIMEOUT_MS: '100' }))
    .overrideProvider(concurrencyConfig.KEY)
    .useValue(readConcurrencyConfig({ PARSE_TIMEOUT_MS: '10' }))
    .compile();
  await moduleRef.init();
  return { moduleRef, cache: moduleRef.get(PreviewCache) };
}

/** A loader that counts its calls and answers after `delayMs` (so that concurrent misses overlap). */
function loader(value: string, delayMs = 50) {
  const load = async () => {
    load.calls += 1;
    await sleep(delayMs);
    return value;
  };
  load.calls = 0;
  return load;
}

async function metric(name: string): Promise<number> {
  const found = (await metricsRegistry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return (found?.values ?? []).reduce((sum, sample) => sum + sample.value, 0);
}

const keysOf = (cache: PreviewCache, count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => cache.keyFor(`https://example.com/${tag}/${i}`));

/** Two instances over one fresh memcached for the tests of a `describe`. */
function twoInstances(): { a: Instance; b: Instance } {
  const fleet = {} as { a: Instance; b: Instance };
  let memcached: MemcachedProcess;
  beforeAll(async () => {
    memcached = await startMemcached();
    [fleet.a, fleet.b] = await Promise.all([instance(memcached.address), instance(memcached.address)]);
  });
  afterAll(async () => {
    await Promise.all([fleet.a.moduleRef.close(), fleet.b.moduleRef.close()]);
    await memcached.stop();
  });
  return fleet;
}

describe('one load per key across processes sharing memcached', () => {
  const fleet = twoInstances();

  it('loads a cold key once for 300 concurrent resolves spread over two processes', async () => {
    const [key] = keysOf(fleet.a.cache, 1, 'one');
    const load = loader('v');
    const taken = await metric('cache_leases_taken_total');
    const waits = await metric('cache_lease_waits_total');
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? fleet.a : fleet.b).cache.resolve(key, load)),
    );
    expect(load.calls).toBe(1);
    expect(new Set(answers.map((answer) => answer.value))).toEqual(new Set(['v']));
    expect(new Set(answers.map((answer) => answer.state))).toEqual(new Set(['MISS']));
    expect((await metric('cache_leases_taken_total')) - taken).toBe(1);
    expect((await metric('cache_lease_waits_total')) - waits).toBe(1);
  });

  it('loads each of 30 cold keys once for 300 concurrent resolves', async () => {
    const keys = keysOf(fleet.a.cache, 30, 'thirty');
    const loads = keys.map((_, i) => loader(`v${i}`));
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (i % 2 === 0 ? fleet.a : fleet.b).cache.resolve(keys[i % 30], loads[i % 30]),
      ),
    );
    expect(loads.map((load) => load.calls)).toEqual(keys.map(() => 1));
    expect(answers.map((answer) => answer.value)).toEqual(answers.map((_, i) => `v${i % 30}`));
  });

  it('shares a cached upstream error too: the waiting process throws it without loading', async () => {
    const [key] = keysOf(fleet.a.cache, 1, 'error');
    const failure = new DomainError('UPSTREAM_ERROR', 'example.com answered 503', {
      details: { cause: 'status', upstreamStatus: 503 },
    });
    let calls = 0;
    const failing = async () => {
      calls += 1;
      await sleep(50);
      throw failure;
    };
    const outcomes = await Promise.allSettled([
      fleet.a.cache.resolve(key, failing),
      fleet.b.cache.resolve(key, failing),
    ]);
    expect(calls).toBe(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'example.com answered 503',
      details: { cause: 'status', upstreamStatus: 503 },
    });
  });

  it('lets a waiting process load when the leader fails with an error that is not cached', async () => {
    const [key] = keysOf(fleet.a.cache, 1, 'overloaded');
    const failing = async () => {
      await sleep(50);
      throw new DomainError('OVERLOADED', 'parse queue full');
    };
    const leading = fleet.a.cache.resolve(key, failing).catch((error: unknown) => error);
    await sleep(10);
    const load = loader('from b', 10);
    await expect(fleet.b.cache.resolve(key, load)).resolves.toMatchObject({ value: 'from b', state: 'MISS' });
    expect(await leading).toMatchObject({ code: 'OVERLOADED' });
    expect(load.calls).toBe(1);
  });

  it('loads after the lease life when the leader never answers (a process that died), counting the timeout', async () => {
    const [key] = keysOf(fleet.a.cache, 1, 'orphan');
    const adapter = fleet.a.moduleRef.get(CacheTiers).memcached as MemcachedAdapter;
    await adapter.add(`${key}:lease`, 'a process that died', 60_000);
    const timeouts = await metric('cache_lease_wait_timeouts_total');
    const load = loader('after the lease', 0);
    await expect(fleet.b.cache.resolve(key, load)).resolves.toMatchObject({ value: 'after the lease', state: 'MISS' });
    expect(load.calls).toBe(1);
    expect((await metric('cache_lease_wait_timeouts_total')) - timeouts).toBe(1);
  });

  it('skips the lease on refresh: a refresh always loads anew', async () => {
    const [key] = keysOf(fleet.a.cache, 1, 'refresh');
    await fleet.a.cache.resolve(key, loader('v1', 0));
    const load = loader('v2', 0);
    await expect(fleet.b.cache.resolve(key, load, { refresh: true })).resolves.toMatchObject({
      value: 'v2',
      state: 'MISS',
    });
    expect(load.calls).toBe(1);
  });
});

describe('purges seen by every process within a second', () => {
  const fleet = twoInstances();

  it('empties the L1 of the other process: its next read misses', async () => {
    const [key] = keysOf(fleet.a.cache, 1, 'purged');
    await fleet.a.cache.resolve(key, loader('v1', 0));
    // b reads it from memcached, then from its L1. A poll of b's that meets an earlier purge (or runs late on a
    // loaded machine) may empty or distrust that L1 in between, as it should: read until the L1 answers.
    await expect(fleet.b.cache.resolve(key, loader('unused', 0))).resolves.toMatchObject({
      state: 'HIT',
      tier: 'memcached',
    });
    let fromL1 = await fleet.b.cache.resolve(key, loader('unused', 0));
    let reads = 1;
    while (fromL1.tier !== 'memory-l1') {
      if (reads === 100) throw new Error(`b's L1 never answered: still ${JSON.stringify(fromL1)}`);
      reads += 1;
      expect(fromL1).toMatchObject({ state: 'HIT', value: 'v1' });
      await sleep(20);
      fromL1 = await fleet.b.cache.resolve(key, loader('unused', 0));
    }

    await expect(fleet.a.cache.delete(key)).resolves.toBe(true);
    const purgedAt = Date.now();
    const load = loader('v2', 0);
    // When each stale answer's read began: no read begun a second or more after the purge may be stale.
    let lastStaleReadAt = purgedAt;
    let readAt = Date.now();
    let answer = await fleet.b.cache.resolve(key, load);
    while (answer.state !== 'MISS') {
      expect(answer).toMatchObject({ value: 'v1', tier: 'memory-l1' });
      lastStaleReadAt = readAt;
      await sleep(20);
      readAt = Date.now();
      answer = await fleet.b.cache.resolve(key, load);
    }
    expect(lastStaleReadAt - purgedAt).toBeLessThan(1000);
    expect(answer).toMatchObject({ value: 'v2', state: 'MISS' });
  });
});

describe('memcached coming back', () => {
  let memcached: MemcachedProcess;
  let a: Instance;

  beforeAll(async () => {
    memcached = await startMemcached();
    a = await instance(memcached.address, { CACHE_L1_MAX_ITEMS: '0' });
  });

  afterAll(async () => {
    await a.moduleRef.close();
    await memcached.stop();
  });

  it('hits memcached again within 5 s of its return, not after the client failover window', async () => {
    const [during, after] = keysOf(a.cache, 2, 'outage');
    await memcached.stop();
    await expect(a.cache.resolve(during, loader('fail-open', 0))).resolves.toMatchObject({ state: 'MISS' });
    memcached = await startMemcachedAt(memcached.host, memcached.port);
    const back = Date.now();
    const store = a.moduleRef.get(FailOpenStore);
    // Until memcached answers again, each write fails open; the first one stored is read back at once.
    while (!(await store.set(after, { probe: true }, 60_000))) await sleep(50);
    expect(Date.now() - back).toBeLessThan(5000);
    await expect(store.lookup(after)).resolves.toEqual({ value: { probe: true }, tier: 'memcached' });
    expect((await memcachedStats(memcached.address)).get_hits).toBe(1);
  });
});

describe('MEMCACHED_SERVERS naming a DNS name with several addresses', () => {
  let servers: MemcachedProcess[];
  let addresses: string[];
  let adapter: MemcachedAdapter;

  beforeAll(async () => {
    // Three "pods" on one port at three loopback addresses, as behind a Kubernetes headless Service.
    const port = await freePort();
    servers = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((host) => startMemcachedAt(host, port)));
    addresses = ['127.0.0.1', '127.0.0.2'];
    adapter = new MemcachedAdapter({
      servers: [`memcached.test.svc:${port}`],
      log: () => undefined,
      resolver: (host) =>
        host === 'memcached.test.svc' ? Promise.resolve([...addresses]) : Promise.reject(new Error('ENOTFOUND')),
      resolveIntervalMs: 0,
    });
    await adapter.start();
  });

  afterAll(async () => {
    await adapter.disconnect();
    await stopAll(servers);
  });

  it('uses every address of the name, and a third one after it appears, keeping most keys in place', async () => {
    const port = servers[0].port;
    expect(adapter.servers).toEqual([`127.0.0.1:${port}`, `127.0.0.2:${port}`]);
    const keys = Array.from({ length: 300 }, (_, i) => `lps:dns:${i}`);
    // What Keyv hands the store: the value wrapped with its expiry, as JSON.
    const entry = (value: string) => JSON.stringify({ value });
    for (const key of keys) await adapter.set(key, entry(`v-${key}`), 60_000);
    const landed = await Promise.all(servers.map((server) => memcachedStats(server.address)));
    expect(landed.map((stats) => stats.curr_items > 50)).toEqual([true, true, false]);

    addresses = ['127.0.0.3', '127.0.0.1', '127.0.0.2'];
    await adapter.resolve();
    expect(adapter.servers).toEqual([`127.0.0.1:${port}`, `127.0.0.2:${port}`, `127.0.0.3:${port}`]);
    const found = await Promise.all(
      keys.map(async (key) => ((await adapter.get<string>(key)) as { value?: string } | undefined)?.value),
    );
    const kept = found.filter((value, i) => value === `v-${keys[i]}`).length;
    // Ketama: the new server takes about a third of the keys; the rest stay where they were written.
    expect(kept / keys.length).toBeGreaterThan(0.55);
    expect(kept / keys.length).toBeLessThan(0.85);
    for (const key of keys) await adapter.set(key, entry(`v2-${key}`), 60_000);
    expect((await memcachedStats(servers[2].address)).curr_items).toBeGreaterThan(50);
  });

  it('starts with the names as they are when the resolver does not answer', async () => {
    const hanging = new MemcachedAdapter({
      servers: ['memcached.hanging.svc:11211'],
      log: () => undefined,
      resolver: () => new Promise<string[]>(() => undefined),
      resolveIntervalMs: 0,
    });
    try {
      await hanging.start();
      expect(hanging.servers).toEqual(['memcached.hanging.svc:11211']);
    } finally {
      await hanging.disconnect();
    }
  });

  it('keeps the addresses it had when the name stops resolving', async () => {
    const before = [...adapter.servers];
    addresses = [];
    await adapter.resolve();
    expect(adapter.servers).toEqual(before);
  });
});
