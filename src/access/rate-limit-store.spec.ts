import { addressTracker } from './rate-limit.guard.js';
import { MEMORY_MAX_TRACKERS, MemoryRateLimitStore } from './rate-limit-store.js';

describe('MemoryRateLimitStore', () => {
  it('counts per caller within a window and starts again in the next one', () => {
    const store = new MemoryRateLimitStore();
    expect(store.hit('a', 7)).toBe(1);
    expect(store.hit('a', 7)).toBe(2);
    expect(store.hit('b', 7)).toBe(1);
    expect(store.hit('a', 8)).toBe(1);
    expect(store.hit('b', 8)).toBe(1);
  });

  it('keeps at most MEMORY_MAX_TRACKERS callers; later ones share one counter, so the limit still holds', () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < MEMORY_MAX_TRACKERS; i++) store.hit(`caller-${i}`, 1);
    expect(store.hit('caller-0', 1)).toBe(2);
    expect(store.hit('newcomer-1', 1)).toBe(1);
    expect(store.hit('newcomer-2', 1)).toBe(2);
    expect(store.hit('newcomer-1', 2)).toBe(1);
  });
});

describe('addressTracker', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['not an address', 'not an address'],
  ])('counts %s as %s', (ip, tracker) => {
    expect(addressTracker(ip)).toBe(tracker);
  });
});
