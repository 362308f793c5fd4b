import { mkdtemp, mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { cacheConfig, readCacheConfig } from '../config/cache.config.js';
import { metricsRegistry } from '../metrics/metrics.registry.js';
import { CACHE_TUNING, DEFAULT_CACHE_TUNING } from './cache-tiers.js';
import { FailOpenStore } from './fail-open-store.js';
import { CacheModule } from './cache.module.js';
import { createFileStore, type FileStore } from './file-store.js';
import { PreviewCache } from './preview-cache.js';

jest.setTimeout(15_000);

/** Entry files (`diskstore-xxx/<hash>.json`) in `dir`. */
async function entryFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const sub of await readdir(dir)) {
    if (!sub.startsWith('diskstore-')) continue;
    for (const name of await readdir(join(dir, sub))) if (name.endsWith('.json')) files.push(join(sub, name));
  }
  return files;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

async function counterValue(name: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetricAsString(name);
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metric)?.[1] ?? 0);
}

describe('file store', () => {
  let dir: string;
  const opened: TestingModule[] = [];
  const stores: FileStore[] = [];
  const sweepErrors: unknown[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lps-file-cache-'));
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((moduleRef) => moduleRef.close()));
    await Promise.all(stores.splice(0).map((store) => store.janitor.stop()));
    await rm(dir, { recursive: true, force: true });
    expect(sweepErrors.splice(0)).toEqual([]);
  });

  async function startCache(env: Record<string, string> = {}, tuning = DEFAULT_CACHE_TUNING) {
    const moduleRef = await Test.createTestingModule({ imports: [CacheModule] })
      .overrideProvider(cacheConfig.KEY)
      .useValue(readCacheConfig({ CACHE_STORE: 'file', CACHE_FILE_DIR: join(dir, 'nested', 'previews'), ...env }))
      .overrideProvider(CACHE_TUNING)
      .useValue(tuning)
      .compile();
    await moduleRef.init();
    opened.push(moduleRef);
    return moduleRef;
  }

  function fileStore(maxItems = 100, ttlMs = 60_000, path = dir): FileStore {
    const store = createFileStore({ dir: path, maxItems, ttlMs, onError: (error) => sweepErrors.push(error) });
    stores.push(store);
    return store;
  }

  it('keeps entries across a restart (new module instance, same directory)', async () => {
    const first = await startCache();
    const key = first.get(PreviewCache).keyFor('https://example.com/a');
    await first.get(PreviewCache).resolve(key, () => Promise.resolve({ title: 'A' }));
    await first.close();

    const second = await startCache();
    const answer = await second.get(PreviewCache).resolve(key, () => Promise.resolve({ title: 'reloaded' }));

    expect(answer).toMatchObject({ value: { title: 'A' }, state: 'HIT' });
  });

  it('evicts the oldest written entries past the threshold', async () => {
    const { keyv, janitor } = fileStore(5);
    for (let i = 0; i < 8; i++) {
      await keyv.set(`k${i}`, { i });
      await tick();
    }

    await expect(janitor.sweep()).resolves.toEqual({ expired: 0, evicted: 3, remaining: 5, torn: 0 });

    const kept = await Promise.all(Array.from({ length: 8 }, (_, i) => keyv.get(`k${i}`)));
    expect(kept).toEqual([undefined, undefined, undefined, { i: 3 }, { i: 4 }, { i: 5 }, { i: 6 }, { i: 7 }]);
    expect(await entryFiles(dir)).toHaveLength(5);
  });

  it('sweeps on its own once writes cross CACHE_FILE_MAX_ITEMS', async () => {
    const moduleRef = await startCache({ CACHE_FILE_MAX_ITEMS: '5' });
    const store = moduleRef.get(FailOpenStore);
    for (let i = 0; i < 8; i++) {
      await store.set(`lps:k${i}`, { i }, 60_000);
      await tick();
    }

    await eventually(async () => (await entryFiles(join(dir, 'nested', 'previews'))).length === 5);
    await expect(store.get('lps:k0')).resolves.toBeUndefined();
    await expect(store.get('lps:k7')).resolves.toEqual({ i: 7 });
  });

  it('has no room once writes since the last sweep pass the bound and its slack, and room again after the sweep', async () => {
    const { janitor } = fileStore(10);
    for (let i = 0; i < 10; i++) janitor.noteWrite();
    expect(janitor.hasRoom()).toBe(true);
    // The 11th write starts a sweep; until it has counted the directory, this process writes nothing new.
    janitor.noteWrite();
    expect(janitor.hasRoom()).toBe(false);
    await expect(janitor.sweep()).resolves.toMatchObject({ remaining: 0 });
    expect(janitor.hasRoom()).toBe(true);
  });

  it('takes no new entry 10 % past CACHE_FILE_MAX_ITEMS until a sweep makes room, and counts what it skipped', async () => {
    const moduleRef = await startCache({ CACHE_FILE_MAX_ITEMS: '10' });
    const store = moduleRef.get(FailOpenStore);
    const previews = join(dir, 'nested', 'previews');
    const skippedBefore = await counterValue('cache_writes_skipped_full_total');
    let stored = 0;
    let most = 0;
    for (let i = 0; i < 40; i++) {
      if (await store.set(`lps:bounded${i}`, { i }, 60_000)) stored += 1;
      most = Math.max(most, (await entryFiles(previews)).length);
    }

    // However the sweeps and the writes interleave, the directory never holds more than the bound and its slack.
    expect(most).toBeLessThanOrEqual(11);
    expect(stored + (await counterValue('cache_writes_skipped_full_total')) - skippedBefore).toBe(40);
    await eventually(async () => (await entryFiles(previews)).length === 10);
    // A write refused meanwhile starts the sweep that makes room: writes are taken again.
    await eventually(() => store.set('lps:after', { after: true }, 60_000));
    await expect(store.get('lps:after')).resolves.toEqual({ after: true });
  });

  it('deletes expired entries that nobody reads', async () => {
    const { keyv, janitor } = fileStore();
    await keyv.set('short', 'x', 30);
    await keyv.set('long', 'y', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 60));

    await expect(janitor.sweep()).resolves.toEqual({ expired: 1, evicted: 0, remaining: 1, torn: 0 });
    expect(await entryFiles(dir)).toHaveLength(1);
    await expect(keyv.get('long')).resolves.toBe('y');
  });

  it('runs the janitor on its interval and stops it on shutdown', async () => {
    const moduleRef = await startCache({}, { ...DEFAULT_CACHE_TUNING, fileJanitorIntervalMs: 50 });
    await moduleRef.get(FailOpenStore).set('lps:short', 'x', 30);
    const previews = join(dir, 'nested', 'previews');
    expect(await entryFiles(previews)).toHaveLength(1);

    await eventually(async () => (await entryFiles(previews)).length === 0);

    await moduleRef.close();
    await fileStore(100, 60_000, previews).keyv.set('lps:after-shutdown', 'x', 30);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await entryFiles(previews)).toHaveLength(1);
  });

  it('deletes a torn file left by a crash, but not one that may still be written', async () => {
    const { janitor } = fileStore();
    await mkdir(join(dir, 'diskstore-abc'));
    await writeFile(join(dir, 'diskstore-abc', 'old.json'), '{"expireTime":17');
    await writeFile(join(dir, 'diskstore-abc', 'young.json'), '{"exp');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, 'diskstore-abc', 'old.json'), anHourAgo, anHourAgo);

    await expect(janitor.sweep()).resolves.toEqual({ expired: 0, evicted: 0, remaining: 0, torn: 1 });
    expect(await entryFiles(dir)).toEqual([join('diskstore-abc', 'young.json')]);
  });

  it('never shows a reader a partial entry while another store instance writes the same key', async () => {
    const writer = fileStore().keyv;
    const reader = fileStore().keyv;
    const values = ['a', 'b', 'c'].map((letter) => letter.repeat(512 * 1024));
    await writer.set('shared', values[0]);

    const reads: Promise<unknown>[] = [];
    const writes: Promise<boolean>[] = [];
    for (let round = 0; round < 10; round++) {
      writes.push(writer.set('shared', values[round % 3]));
      reads.push(reader.get('shared'));
    }
    await Promise.all(writes);
    const seen = await Promise.all(reads);

    for (const value of seen) expect(values).toContain(value);
  });
});
