/**
 * What every bench runs the service with, as a deployment does: authentication on (one client key, sent by every
 * request) and the rate limiter on, with a limit high enough that it counts every request and refuses none. The
 * figures then include both guards, and none of them is a measurement of the limit.
 */
export const BENCH_API_KEY = 'bench-client-key-5f0c2a9e71';

/** The headers that carry the bench's client key. */
export const BENCH_AUTH: Readonly<Record<string, string>> = { 'x-api-key': BENCH_API_KEY };

/** Requests a minute the bench's key may send: far above any bench's rate. */
export const BENCH_RATE_LIMIT = 1_000_000;

/** The service environment of {@link BENCH_API_KEY} and {@link BENCH_RATE_LIMIT}. */
export const DEPLOYMENT_ENV: Readonly<Record<string, string>> = {
  API_KEYS: `${BENCH_API_KEY}:client`,
  RATE_LIMIT_PER_MINUTE: String(BENCH_RATE_LIMIT),
};

/** For a bench's notes. */
export const DEPLOYMENT_NOTE = `auth on (a client key), rate limit ${BENCH_RATE_LIMIT}/min`;
