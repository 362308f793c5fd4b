import { approximateBytes, memoryKeyv, MemoryStore } from './memory-store.js';

const KIB = 1024;

describe('approximateBytes', () => {
  it('counts the key and the value as JSON text, two bytes a character, plus a fixed overhead', () => {
    expect(approximateBytes('k', 'x'.repeat(1000))).toBe(160 + 2 * (1 + 1002));
    expect(approximateBytes('key', { a: [1, 2] })).toBe(160 + 2 * (3 + '{"a":[1,2]}'.length));
  });

  it('counts a value that JSON cannot write as too large to keep', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(approximateBytes('k', cyclic)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('MemoryStore', () => {
  let now = 0;
  const clock = () => now;
  const value = (kib: number) => 'v'.repeat((kib * KIB) / 2 - 200);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('stays under its byte bound, pushing out the least recently used first', () => {
    const store = new MemoryStore({ maxItems: 1000, maxBytes: 10 * KIB, now: clock });
    for (const key of ['a', 'b', 'c', 'd']) store.set(key, { value: value(3) });
    expect(store.get('a')).toBeUndefined();
    store.get('b');
    store.set('e', { value: value(3) });
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => store.get(key) !== undefined)).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
    expect(store.keptBytes).toBeLessThanOrEqual(10 * KIB);
    expect(store.size).toBe(3);
  });

  it('stays under its entry bound', () => {
    const store = new MemoryStore({ maxItems: 2, maxBytes: 1024 * KIB, now: clock });
    for (const key of ['a', 'b', 'c']) store.set(key, { value: key });
    expect(['a', 'b', 'c'].map((key) => store.get(key)?.value)).toEqual([undefined, 'b', 'c']);
  });

  it('keeps no entry bigger than the whole bound, and keeps what it had', () => {
    const store = new MemoryStore({ maxItems: 10, maxBytes: 4 * KIB, now: clock });
    store.set('small', { value: 'x' });
    expect(store.set('huge', { value: value(8) })).toBe(false);
    expect([store.get('huge'), store.get('small')?.value]).toEqual([undefined, 'x']);
  });

  it('expires entries after their TTL and gives their bytes back', () => {
    const store = new MemoryStore({ maxItems: 10, maxBytes: 64 * KIB, now: clock });
    store.set('a', { value: 'x' }, 1000);
    store.set('b', { value: 'y' });
    now += 999;
    expect(store.get('a')?.value).toBe('x');
    now += 1;
    expect(store.get('a')).toBeUndefined();
    expect(store.keptBytes).toBe(approximateBytes('b', 'y'));
  });

  it('accounts for replaced, deleted and cleared entries', () => {
    const store = new MemoryStore({ maxItems: 10, maxBytes: 64 * KIB, now: clock });
    for (const text of ['x', 'xyz']) store.set('a', { value: text });
    expect(store.keptBytes).toBe(approximateBytes('a', 'xyz'));
    expect([store.delete('a'), store.delete('a'), store.keptBytes]).toEqual([true, false, 0]);
    store.set('b', { value: 'y' });
    store.clear();
    expect([store.size, store.keptBytes, store.get('b')]).toEqual([0, 0, undefined]);
  });
});

describe('memoryKeyv', () => {
  it('keeps values as given (no copy) under the TTL it was built with', async () => {
    const { keyv, store } = memoryKeyv({ maxItems: 10, maxBytes: 64 * KIB, ttlMs: 60_000 });
    const entry = { title: 'kept' };
    await keyv.set('k', entry);
    expect(await keyv.get('k')).toBe(entry);
    expect(store.size).toBe(1);
    const raw = await keyv.get('k', { raw: true });
    expect(raw?.expires).toBeGreaterThan(Date.now() + 59_000);
  });
});
