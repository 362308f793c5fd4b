import { DomainError } from '../common/errors/domain-error.js';
import { metricsRegistry } from '../metrics/metrics.registry.js';
import { CountFetchOutcomes, fetchOutcome, FETCH_OUTCOMES, type FetchOutcome } from './fetcher.metrics.js';

const failed = (error: unknown, cancelled = false) => fetchOutcome({ error, cancelled });

async function counts(): Promise<Record<FetchOutcome, number>> {
  const metric = await metricsRegistry.getSingleMetric('upstream_fetches_total')?.get();
  const byOutcome = Object.fromEntries(FETCH_OUTCOMES.map((outcome) => [outcome, 0])) as Record<FetchOutcome, number>;
  for (const { labels, value } of metric?.values ?? []) byOutcome[labels.outcome as FetchOutcome] = value;
  return byOutcome;
}

describe('fetchOutcome', () => {
  it('classes an answer by its status', () => {
    expect([200, 204, 304, 404, 451, 500, 503].map((status) => fetchOutcome({ status }))).toEqual([
      'ok',
      'ok',
      'redirect',
      '4xx',
      '4xx',
      '5xx',
      '5xx',
    ]);
  });

  it('classes each catalogue error of the fetcher', () => {
    const upstream = (details: Record<string, unknown>) => new DomainError('UPSTREAM_ERROR', 'x', { details });
    expect([
      failed(new DomainError('UPSTREAM_TIMEOUT', 'x', { details: { cause: 'deadline' } })),
      failed(new DomainError('BLOCKED_DESTINATION', 'x')),
      failed(new DomainError('INVALID_URL', 'x')),
      failed(new DomainError('UPSTREAM_TOO_LARGE', 'x')),
      failed(upstream({ cause: 'status', upstreamStatus: 404 })),
      failed(upstream({ cause: 'status', upstreamStatus: 502 })),
      failed(upstream({ cause: 'status', upstreamStatus: 302 })),
      failed(upstream({ cause: 'too_many_redirects' })),
      failed(upstream({ cause: 'redirect_loop' })),
      ...['refused', 'reset', 'dns', 'tls', 'protocol', 'decode', 'network'].map((cause) =>
        failed(upstream({ cause })),
      ),
    ]).toEqual([
      'timeout',
      'blocked_destination',
      'invalid_url',
      'too_large',
      '4xx',
      '5xx',
      'redirect',
      'redirect',
      'redirect',
      ...Array.from({ length: 7 }, () => 'network'),
    ]);
  });

  it('calls a fetch the caller aborted cancelled, and anything else an error', () => {
    expect(failed(new Error('the client went away'), true)).toBe('cancelled');
    expect(failed(new DomainError('UPSTREAM_TIMEOUT', 'x'), true)).toBe('cancelled');
    expect(failed(new TypeError('undefined is not a function'))).toBe('error');
    expect(failed(new DomainError('OVERLOADED', 'x'))).toBe('error');
  });
});

describe('@CountFetchOutcomes()', () => {
  class Fetcher {
    @CountFetchOutcomes()
    async fetch(url: string, options: { signal?: AbortSignal } = {}): Promise<{ status: number }> {
      await Promise.resolve();
      if (url === 'timeout') throw new DomainError('UPSTREAM_TIMEOUT', 'late');
      if (options.signal?.aborted === true) throw options.signal.reason;
      return { status: Number(url) };
    }
  }

  it('counts each call once by outcome and passes results and errors through unchanged', async () => {
    const fetcher = new Fetcher();
    const before = await counts();
    await expect(fetcher.fetch('200')).resolves.toEqual({ status: 200 });
    await expect(fetcher.fetch('404')).resolves.toEqual({ status: 404 });
    await expect(fetcher.fetch('timeout')).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    const gone = new AbortController();
    gone.abort(new Error('gone'));
    await expect(fetcher.fetch('200', { signal: gone.signal })).rejects.toThrow('gone');
    const after = await counts();
    const delta = Object.fromEntries(FETCH_OUTCOMES.map((outcome) => [outcome, after[outcome] - before[outcome]]));
    expect(delta).toEqual({
      ...Object.fromEntries(FETCH_OUTCOMES.map((o) => [o, 0])),
      ok: 1,
      '4xx': 1,
      timeout: 1,
      cancelled: 1,
    });
  });
});
