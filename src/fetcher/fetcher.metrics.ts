import { Counter } from 'prom-client';
import { DomainError } from '../common/errors/domain-error.js';
import { metricsRegistry } from '../metrics/metrics.registry.js';

/** What became of one outbound fetch, as counted in `upstream_fetches_total{outcome}`. */
export const FETCH_OUTCOMES = [
  'ok',
  '4xx',
  '5xx',
  'timeout',
  'blocked_destination',
  'invalid_url',
  'too_large',
  'redirect',
  'network',
  'cancelled',
  'error',
] as const;
export type FetchOutcome = (typeof FETCH_OUTCOMES)[number];

/** Every fetch the service makes (pages, images, oEmbed endpoints, manifests), by outcome class. */
export const upstreamFetches = new Counter({
  name: 'upstream_fetches_total',
  help:
    'Outbound fetches by outcome: ok, 4xx, 5xx (the final answer status), timeout, blocked_destination, ' +
    'invalid_url, too_large, redirect (too many, a loop, a 3xx without Location), network (refused, reset, dns, ' +
    'tls, protocol, decode), cancelled (the client went away), error (a bug)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
// Every class is exported from the start, so that rate() and alerts see a series before its first event.
for (const outcome of FETCH_OUTCOMES) upstreamFetches.inc({ outcome }, 0);

const REDIRECT_CAUSES = new Set(['too_many_redirects', 'redirect_loop']);

function statusClass(status: number): FetchOutcome {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  return status >= 300 ? 'redirect' : 'ok';
}

/** The outcome class of a fetch that answered (`status`) or threw (`error`). */
export function fetchOutcome(settled: { status: number } | { error: unknown; cancelled: boolean }): FetchOutcome {
  if ('status' in settled) return statusClass(settled.status);
  if (settled.cancelled) return 'cancelled';
  const { error } = settled;
  if (!(error instanceof DomainError)) return 'error';
  const details = (error.details ?? {}) as { cause?: string; upstreamStatus?: number };
  switch (error.code) {
    case 'UPSTREAM_TIMEOUT':
      return 'timeout';
    case 'BLOCKED_DESTINATION':
      return 'blocked_destination';
    case 'INVALID_URL':
      return 'invalid_url';
    case 'UPSTREAM_TOO_LARGE':
      return 'too_large';
    case 'UPSTREAM_ERROR':
      if (details.upstreamStatus !== undefined) return statusClass(details.upstreamStatus);
      return REDIRECT_CAUSES.has(details.cause ?? '') ? 'redirect' : 'network';
    default:
      return 'error';
  }
}

/**
 * Counts every call of the decorated fetch method in `upstream_fetches_total` by its outcome. The method's second
 * argument may carry the caller's `signal`: a fetch that failed because it aborted is `cancelled`.
 */
export function CountFetchOutcomes() {
  return <A extends [unknown, { signal?: AbortSignal }?, ...unknown[]], R extends { status: number }>(
    _target: object,
    _method: string | symbol,
    descriptor: TypedPropertyDescriptor<(...args: A) => Promise<R>>,
  ): TypedPropertyDescriptor<(...args: A) => Promise<R>> => {
    const original = descriptor.value;
    if (original === undefined) throw new TypeError('@CountFetchOutcomes() decorates methods only');
    descriptor.value = async function counted(this: unknown, ...args: A): Promise<R> {
      try {
        const result = await original.apply(this, args);
        upstreamFetches.inc({ outcome: fetchOutcome(result) });
        return result;
      } catch (error) {
        upstreamFetches.inc({ outcome: fetchOutcome({ error, cancelled: args[1]?.signal?.aborted === true }) });
        throw error;
      }
    };
    return descriptor;
  };
}
