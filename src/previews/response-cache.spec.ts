import type { HttpAdapterHost } from '@nestjs/core';
import { etagMatches, ResponseCache } from './response-cache.js';

const host = { httpAdapter: undefined } as unknown as HttpAdapterHost;
const answer = (cacheKey: string, freshUntil: number) => ({
  body: `{"k":"${cacheKey}"}`,
  etag: 'W/"e"',
  cacheKey,
  freshUntil,
});

describe('ResponseCache', () => {
  it('remembers an answer until its entry stops being fresh, and at most maxAgeMs', () => {
    const cache = new ResponseCache(host);
    cache.remember('/v1/previews?url=a', answer('k1', 10_000), 0);
    expect(cache.lookup('/v1/previews?url=a', 9_999)).toEqual({ ...answer('k1', 10_000), expiresAt: 10_000 });
    expect(cache.lookup('/v1/previews?url=a', 10_000)).toBeUndefined();

    cache.remember('/v1/previews?url=b', answer('k2', 10 * 60_000), 0);
    expect(cache.lookup('/v1/previews?url=b', 59_999)?.expiresAt).toBe(60_000);
    expect(cache.lookup('/v1/previews?url=b', 60_000)).toBeUndefined();
  });

  it('does not keep an answer whose entry is no longer fresh', () => {
    const cache = new ResponseCache(host);
    cache.remember('/v1/previews?url=a', answer('k1', 100), 100);
    expect(cache.lookup('/v1/previews?url=a', 100)).toBeUndefined();
  });

  it('drops every answer of an entry on purge, and only those', () => {
    const cache = new ResponseCache(host);
    cache.remember('/v1/previews?url=a', answer('k1', 1000), 0);
    cache.remember('/v1/previews?url=a&fields=title', answer('k1', 1000), 0);
    cache.remember('/v1/previews?url=b', answer('k2', 1000), 0);
    cache.purge('k1');
    expect(cache.lookup('/v1/previews?url=a', 1)).toBeUndefined();
    expect(cache.lookup('/v1/previews?url=a&fields=title', 1)).toBeUndefined();
    expect(cache.lookup('/v1/previews?url=b', 1)?.cacheKey).toBe('k2');
  });

  it('evicts the oldest answer past 2000', () => {
    const cache = new ResponseCache(host);
    for (let i = 0; i <= 2000; i++) cache.remember(`/v1/previews?url=${i}`, answer(`k${i}`, 1000), 0);
    expect(cache.lookup('/v1/previews?url=0', 1)).toBeUndefined();
    expect(cache.lookup('/v1/previews?url=1', 1)?.cacheKey).toBe('k1');
    expect(cache.lookup('/v1/previews?url=2000', 1)?.cacheKey).toBe('k2000');
  });

  it('keeps answers only without refresh or debug', () => {
    expect(
      [{}, { refresh: false, debug: false }, { refresh: true }, { debug: true }].map(ResponseCache.cacheable),
    ).toEqual([true, true, false, false]);
  });
});

describe('etagMatches', () => {
  it('compares weakly and understands lists and *', () => {
    expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('W/"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('*', 'W/"abc"')).toBe(true);
    expect(etagMatches('W/"abd"', 'W/"abc"')).toBe(false);
  });
});
