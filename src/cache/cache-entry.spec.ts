import { DomainError } from '../common/errors/domain-error.js';
import { errorEntry, errorTtlSeconds, isCacheableError, parseEntry, domainErrorOf, valueEntry } from './cache-entry.js';

describe('isCacheableError', () => {
  it.each([
    [new DomainError('UPSTREAM_ERROR', 'gone', { details: { upstreamStatus: 404 } }), true],
    [new DomainError('UPSTREAM_ERROR', 'gone', { details: { upstreamStatus: 410 } }), true],
    [new DomainError('UPSTREAM_TIMEOUT', 'slow'), true],
    [new DomainError('UPSTREAM_BLOCKED', 'challenge', { details: { reason: 'bot-challenge' } }), true],
    [new DomainError('UPSTREAM_ERROR', 'broken', { details: { upstreamStatus: 500 } }), false],
    [new DomainError('UPSTREAM_ERROR', 'refused', { details: { cause: 'refused' } }), false],
    [new DomainError('UPSTREAM_ERROR', 'odd', { details: { upstreamStatus: '404' } }), false],
    [new DomainError('INVALID_URL', 'bad'), false],
    [new DomainError('BLOCKED_DESTINATION', 'private'), false],
    [new DomainError('UPSTREAM_TOO_LARGE', 'big'), false],
    [new Error('bug'), false],
    ['a string', false],
  ])('%p → %p', (error, cacheable) => {
    expect(isCacheableError(error)).toBe(cacheable);
  });
});

describe('errorTtlSeconds', () => {
  const cfg = { errorTtlSeconds: 60, blockedTtlSeconds: 300 };

  it.each([
    [new DomainError('UPSTREAM_BLOCKED', 'consent', { details: { reason: 'consent' } }), 300],
    [new DomainError('UPSTREAM_ERROR', 'gone', { details: { upstreamStatus: 404 } }), 60],
    [new DomainError('UPSTREAM_TIMEOUT', 'slow'), 60],
    [new DomainError('UPSTREAM_ERROR', 'broken', { details: { upstreamStatus: 500 } }), 0],
    [new DomainError('BLOCKED_DESTINATION', 'private'), 0],
    [new Error('bug'), 0],
  ])('gives %p a TTL of %p s', (error, ttl) => {
    expect(errorTtlSeconds(error, cfg)).toBe(ttl);
  });

  it('caches block pages for their own TTL, 0 turning it off', () => {
    const blocked = new DomainError('UPSTREAM_BLOCKED', 'login', { details: { reason: 'login-wall' } });
    expect([
      errorTtlSeconds(blocked, { errorTtlSeconds: 60, blockedTtlSeconds: 0 }),
      errorTtlSeconds(new DomainError('UPSTREAM_TIMEOUT', 'slow'), { errorTtlSeconds: 0, blockedTtlSeconds: 300 }),
    ]).toEqual([0, 0]);
  });
});

describe('cache entries', () => {
  it('builds a value entry: fresh for the TTL, then stale', () => {
    expect(valueEntry({ t: 1 }, 1000, 60, 600)).toEqual({
      v: 1,
      storedAt: 1000,
      freshUntil: 61_000,
      staleUntil: 661_000,
      value: { t: 1 },
    });
  });

  it('builds an error entry with what the caller sees (no cause), never stale', () => {
    const error = new DomainError('UPSTREAM_ERROR', 'gone', {
      details: { upstreamStatus: 410 },
      cause: new Error('x'),
    });
    expect(errorEntry(error, 1000, 30)).toEqual({
      v: 1,
      storedAt: 1000,
      freshUntil: 31_000,
      staleUntil: 31_000,
      error: { code: 'UPSTREAM_ERROR', message: 'gone', details: { upstreamStatus: 410 } },
    });
    expect(errorEntry(new DomainError('UPSTREAM_TIMEOUT', 'slow'), 0, 1).error).toEqual({
      code: 'UPSTREAM_TIMEOUT',
      message: 'slow',
    });
  });

  it('turns a cached error back into a domain error', () => {
    const error = domainErrorOf({ code: 'UPSTREAM_TIMEOUT', message: 'slow' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'slow', details: undefined });
  });

  it('reads back what it wrote, through JSON', () => {
    const entry = valueEntry('v', 1, 1, 1);
    expect(parseEntry(JSON.parse(JSON.stringify(entry)))).toEqual(entry);
    const failed = errorEntry(new DomainError('UPSTREAM_TIMEOUT', 'slow'), 1, 1);
    expect(parseEntry(JSON.parse(JSON.stringify(failed)))).toEqual(failed);
  });

  it.each([
    undefined,
    null,
    'text',
    [],
    { v: 2, storedAt: 1, freshUntil: 2, staleUntil: 3, value: 'x' },
    { v: 1, storedAt: '1', freshUntil: 2, staleUntil: 3, value: 'x' },
    { v: 1, storedAt: 1, freshUntil: 2, staleUntil: 3 },
    { v: 1, storedAt: 1, freshUntil: 2, staleUntil: 3, error: { code: 'NOPE', message: 'x' } },
    { v: 1, storedAt: 1, freshUntil: 2, staleUntil: 3, error: { code: 'UPSTREAM_TIMEOUT' } },
    { v: 1, storedAt: 1, freshUntil: 2, staleUntil: 3, error: { code: 'UPSTREAM_TIMEOUT', message: 'x', details: 1 } },
  ])('treats %p as no entry', (raw) => {
    expect(parseEntry(raw)).toBeUndefined();
  });
});
