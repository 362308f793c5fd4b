import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry.js';

/** Requests refused by the API-key guard, by reason. */
export const authFailures = new Counter({
  name: 'auth_failures_total',
  help: 'Requests refused for their API key: missing (401), invalid (401), forbidden (403, a client key on an admin action)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/** Requests refused with 429 by the rate limiter. */
export const rateLimitRejections = new Counter({
  name: 'rate_limit_rejections_total',
  help: 'Requests answered 429 RATE_LIMITED',
  registers: [metricsRegistry],
});

/** Rate-limiter store failures: the request was let through (fail-open). */
export const rateLimiterErrors = new Counter({
  name: 'rate_limiter_errors_total',
  help: 'Rate-limit counter updates that failed or timed out (memcached down): the request passed unlimited',
  labelNames: ['store'] as const,
  registers: [metricsRegistry],
});
