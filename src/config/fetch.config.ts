import { registerAs } from '@nestjs/config';
import { ConfigError, int, isHostPort, list, str, type Env } from './env.js';

/** The identity the service announces upstream: honest, with a URL where site owners learn what it is. */
export const DEFAULT_USER_AGENT =
  'LinkPreviewService/1.0 (+https://github.com/link-preview-service/link-preview-service)';

const DEFAULT_ALLOWED_PORTS = ['80', '443', '8080', '8443'];

// A header value: printable ASCII only, so a bad value can never split a header line (CR/LF) or confuse a server.
const HEADER_VALUE = /^[\x20-\x7e]{1,256}$/;

function userAgent(env: Env): string {
  const value = str(env, 'FETCH_USER_AGENT', DEFAULT_USER_AGENT);
  if (!HEADER_VALUE.test(value)) {
    throw new ConfigError('FETCH_USER_AGENT', value, 'at most 256 printable ASCII characters');
  }
  return value;
}

function isPort(item: string): boolean {
  return /^\d{1,5}$/.test(item) && Number(item) >= 1 && Number(item) <= 65535;
}

/** Limits and SSRF policy of the safe fetcher, the only way the service reaches the network. */
export function readFetchConfig(env: Env = process.env) {
  return {
    timeoutMs: int(env, 'FETCH_TIMEOUT_MS', { default: 8000, min: 100, max: 120_000 }),
    connectTimeoutMs: int(env, 'FETCH_CONNECT_TIMEOUT_MS', { default: 3000, min: 100, max: 60_000 }),
    maxBytes: int(env, 'FETCH_MAX_BYTES', { default: 5_242_880, min: 1024, max: 104_857_600 }),
    maxRedirects: int(env, 'FETCH_MAX_REDIRECTS', { default: 5, min: 0, max: 20 }),
    userAgent: userAgent(env),
    allowPrivate: list(env, 'FETCH_ALLOW_PRIVATE', [], {
      test: isHostPort,
      allowed: 'comma-separated host:port pairs',
    }).map((entry) => entry.toLowerCase()),
    allowedPorts: list(env, 'FETCH_ALLOWED_PORTS', DEFAULT_ALLOWED_PORTS, {
      test: isPort,
      allowed: 'comma-separated ports from 1 to 65535',
    }).map(Number),
    perHostConcurrency: int(env, 'FETCH_PER_HOST_CONCURRENCY', { default: 4, min: 1, max: 64 }),
    /** 0 turns the budget off. */
    perOriginPerSecond: int(env, 'FETCH_PER_ORIGIN_PER_SECOND', { default: 10, min: 0, max: 100_000 }),
    queueTimeoutMs: int(env, 'FETCH_QUEUE_TIMEOUT_MS', { default: 2000, min: 0, max: 60_000 }),
  };
}

export const fetchConfig = registerAs('fetch', () => readFetchConfig(process.env));
export type FetchConfig = ReturnType<typeof readFetchConfig>;
