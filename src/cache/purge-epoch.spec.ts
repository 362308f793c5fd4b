import { PurgeEpoch, type EpochStore } from './purge-epoch.js';

/** A counter in memory standing for memcached's, failing on demand (the mapping logic only; memcached: fleet-cache). */
class CounterStore implements EpochStore {
  value: number | undefined;
  failing = false;

  read(): Promise<string | undefined> {
    if (this.failing) return Promise.reject(new Error('memcached is down'));
    return Promise.resolve(this.value === undefined ? undefined : String(this.value));
  }

  bump(): Promise<number> {
    if (this.failing) return Promise.reject(new Error('memcached is down'));
    this.value = (this.value ?? 0) + 1;
    return Promise.resolve(this.value);
  }
}

describe('PurgeEpoch', () => {
  let now: number;
  let store: CounterStore;
  let forgotten: number;
  let epoch: PurgeEpoch;

  beforeEach(() => {
    now = 1_000_000;
    store = new CounterStore();
    forgotten = 0;
    epoch = new PurgeEpoch(store, () => (forgotten += 1), { pollMs: 250, trustMs: 1000, now: () => now });
  });

  it('does not trust the layer before its first read, and empties it on that read', async () => {
    expect(epoch.trusted()).toBe(false);
    await epoch.poll();
    expect([epoch.trusted(), forgotten, epoch.generation]).toEqual([true, 1, 1]);
  });

  it('empties the layer when another process purged, and only then', async () => {
    await epoch.poll();
    await epoch.poll();
    expect(forgotten).toBe(1);
    store.value = 7;
    await epoch.poll();
    expect([forgotten, epoch.generation]).toEqual([2, 2]);
  });

  it('does not empty its own layer again after announcing its own purge', async () => {
    store.value = 3;
    await epoch.poll();
    await epoch.announce();
    await epoch.poll();
    expect([store.value, forgotten]).toEqual([4, 1]);
  });

  it('empties it when memcached came back empty (the counter is gone)', async () => {
    store.value = 3;
    await epoch.poll();
    store.value = undefined;
    await epoch.poll();
    expect(forgotten).toBe(2);
  });

  it('stops trusting the layer a second after the last read was sent', async () => {
    await epoch.poll();
    now += 999;
    expect(epoch.trusted()).toBe(true);
    now += 1;
    expect(epoch.trusted()).toBe(false);
    await epoch.poll();
    expect(epoch.trusted()).toBe(true);
  });

  it('keeps trusting the layer while the shared store cannot be read (fail-open), until it can again', async () => {
    await epoch.poll();
    store.failing = true;
    now += 5000;
    await epoch.poll();
    expect([epoch.trusted(), forgotten]).toEqual([true, 1]);
    await expect(epoch.announce()).rejects.toThrow('memcached is down');
    store.failing = false;
    store.value = 9;
    await epoch.poll();
    expect([epoch.trusted(), forgotten]).toEqual([true, 2]);
  });
});
