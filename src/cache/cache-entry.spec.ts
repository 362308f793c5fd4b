import { DomainError } from '../common/errors/domain-error.js';
import {
  errorClassOf,
  errorEntry,
  errorTtlSeconds,
  isCacheableError,
  parseEntry,
  domainErrorOf,
  valueEntry,
} from './cache-entry.js';

describe('errorClassOf', () => {
  const upstream = (details: Record<string, unknown>) => new DomainError('UPSTREAM_ERROR', 'x', { details });

  it.each([
    [upstream({ cause: 'status', upstreamStatus: 404 }), 'lasting'],
    [upstream({ cause: 'status', upstreamStatus: 410 }), 'lasting'],
    [upstream({ cause: 'status', upstreamStatus: 400 }), 'lasting'],
    [upstream({ cause: 'status', upstreamStatus: 451 }), 'lasting'],
    [upstream({ cause: 'status', upstreamStatus: 500 }), 'transient'],
    [upstream({ cause: 'status', upstreamStatus: 503 }), 'transient'],
    [upstream({ cause: 'status', upstreamStatus: 429 }), 'transient'],
    [upstream({ cause: 'status', upstreamStatus: 408 }), 'transient'],
    [upstream({ cause: 'reset' }), 'transient'],
    [upstream({ cause: 'refused' }), 'transient'],
    [upstream({ cause: 'dns' }), 'transient'],
    [upstream({ cause: 'network' }), 'transient'],
    [upstream({ cause: 'protocol' }), 'transient'],
    [upstream({ cause: 'tls' }), 'lasting'],
    [upstream({ cause: 'decode' }), 'lasting'],
    [upstream({ cause: 'redirect_loop' }), 'lasting'],
    [upstream({ cause: 'too_many_redirects', maxRedirects: 5 }), 'lasting'],
    [new DomainError('UPSTREAM_TOO_LARGE', 'big'), 'lasting'],
    [new DomainError('UPSTREAM_TIMEOUT', 'slow', { details: { cause: 'deadline' } }), 'transient'],
    [new DomainError('UPSTREAM_TIMEOUT', 'slow', { details: { cause: 'connect' } }), 'transient'],
    [new DomainError('UPSTREAM_BLOCKED', 'challenge', { details: { reason: 'bot-challenge' } }), 'blocked'],
    [
      new DomainError('BLOCKED_DESTINATION', 'redirect refused', { details: { reason: 'private', redirect: 1 } }),
      'blocked',
    ],
  ])('%p is %p', (error, expected) => {
    expect(errorClassOf(error)).toBe(expected);
  });

  it.each([
    // Never reached the upstream: queueing for an origin slot or the origin budget is not the upstream's failure.
    [new DomainError('UPSTREAM_TIMEOUT', 'queued', { details: { cause: 'queue', reachedUpstream: false } })],
    [upstream({ cause: 'status', upstreamStatus: 503, reachedUpstream: false })],
    [new DomainError('OVERLOADED', 'busy', { details: { reachedUpstream: false } })],
    [new DomainError('OVERLOADED', 'busy')],
    [upstream({ cause: 'cancelled' })],
    [upstream({ cause: 'parse_timeout' })],
    [upstream({ cause: 'parse_failed' })],
    [upstream({})],
    [upstream({ upstreamStatus: '404' })],
    [new DomainError('INVALID_URL', 'bad')],
    [new DomainError('BLOCKED_DESTINATION', 'private', { details: { reason: 'private' } })],
    [new DomainError('INTERNAL_ERROR', 'bug')],
    [new Error('bug')],
    ['a string'],
  ])('never caches %p', (error) => {
    expect(errorClassOf(error)).toBeUndefined();
    expect(isCacheableError(error)).toBe(false);
  });
});

describe('errorTtlSeconds', () => {
  const cfg = { transientErrorTtlSeconds: 15, errorTtlSeconds: 60, blockedTtlSeconds: 300 };

  it.each([
    [new DomainError('UPSTREAM_BLOCKED', 'consent', { details: { reason: 'consent' } }), 300],
    [new DomainError('UPSTREAM_ERROR', 'gone', { details: { upstreamStatus: 404 } }), 60],
    [new DomainError('UPSTREAM_ERROR', 'broken', { details: { upstreamStatus: 500 } }), 15],
    [new DomainError('UPSTREAM_TIMEOUT', 'slow'), 15],
    [new DomainError('UPSTREAM_TIMEOUT', 'queued', { details: { reachedUpstream: false } }), 0],
    [new DomainError('BLOCKED_DESTINATION', 'private'), 0],
    [new Error('bug'), 0],
  ])('gives %p a TTL of %p s', (error, ttl) => {
    expect(errorTtlSeconds(error, cfg)).toBe(ttl);
  });

  it('turns each class off with a TTL of 0', () => {
    const blocked = new DomainError('UPSTREAM_BLOCKED', 'login', { details: { reason: 'login-wall' } });
    const gone = new DomainError('UPSTREAM_ERROR', 'gone', { details: { upstreamStatus: 410 } });
    const slow = new DomainError('UPSTREAM_TIMEOUT', 'slow');
    expect([
      errorTtlSeconds(blocked, { ...cfg, blockedTtlSeconds: 0 }),
      errorTtlSeconds(gone, { ...cfg, errorTtlSeconds: 0 }),
      errorTtlSeconds(slow, { ...cfg, transientErrorTtlSeconds: 0 }),
    ]).toEqual([0, 0, 0]);
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
