import { registerAs } from '@nestjs/config';
import ipaddr from 'ipaddr.js';
import { bool, ConfigError, int, list, oneOf, str, type Env } from './env.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The names proxy-addr (Fastify's `trustProxy`) knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A canonical address: ipaddr.js alone would also take `2` or `0x7f.1` for IPv4 addresses. */
function isAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || (text.includes(':') && ipaddr.IPv6.isValid(text));
}

function isAddressOrRange(item: string): boolean {
  if (RANGE_NAMES.has(item)) return true;
  const parts = item.split('/');
  if (!isAddress(parts[0]) || parts.length > 2) return false;
  if (parts.length === 1) return true;
  try {
    ipaddr.parseCIDR(item);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which proxies' `X-Forwarded-For` / `X-Forwarded-Proto` are believed, as the addresses and ranges Fastify's
 * `trustProxy` takes: `true` (every hop: only behind a proxy that overwrites the header) is every address, `false`
 * none; otherwise addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`. (Fastify 5 trusts no
 * one for a hop count, so none is offered.)
 */
function trustProxy(env: Env): string[] {
  const value = str(env, 'TRUST_PROXY', 'loopback').toLowerCase();
  if (value === 'true') return ['0.0.0.0/0', '::/0'];
  if (value === 'false') return [];
  const items = list({ TRUST_PROXY: value }, 'TRUST_PROXY', []);
  const bad = items.find((item) => !isAddressOrRange(item));
  if (bad !== undefined) {
    throw new ConfigError(
      'TRUST_PROXY',
      bad,
      'true, false, or comma-separated addresses, CIDR ranges, loopback, linklocal, uniquelocal',
    );
  }
  return items;
}

/** How long the HTTP server waits for clients (Node's `headersTimeout`, `requestTimeout`, `keepAliveTimeout`). */
function serverTimeouts(env: Env) {
  const requestTimeoutMs = int(env, 'HTTP_REQUEST_TIMEOUT_MS', { default: 30_000, min: 100, max: 600_000 });
  const headersTimeoutMs = int(env, 'HTTP_HEADERS_TIMEOUT_MS', { default: 10_000, min: 100, max: 600_000 });
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_MS',
      String(headersTimeoutMs),
      `at most HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  return {
    /** Longest time a client may take to send its headers; then 408 and the connection is closed. */
    headersTimeoutMs,
    /** Longest time a client may take to send a whole request (headers and body); then 408. */
    requestTimeoutMs,
    /** How long an idle keep-alive connection stays open: above the idle timeout of the proxy in front. */
    keepAliveTimeoutMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', { default: 65_000, min: 100, max: 600_000 }),
  };
}

/** Process-level settings: where to listen, logging, docs, metrics, the playground and shutdown behaviour. */
export function readAppConfig(env: Env = process.env) {
  return {
    port: int(env, 'PORT', { default: 3000, min: 0, max: 65535 }),
    host: str(env, 'HOST', '0.0.0.0'),
    trustProxy: trustProxy(env),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    docsEnabled: bool(env, 'DOCS_ENABLED', true),
    metricsEnabled: bool(env, 'METRICS_ENABLED', true),
    playgroundEnabled: bool(env, 'PLAYGROUND_ENABLED', true),
    shutdownDelayMs: int(env, 'SHUTDOWN_DELAY_MS', { default: 5000, max: 600_000 }),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', { default: 15000, max: 600_000 }),
    ...serverTimeouts(env),
  };
}

export const appConfig = registerAs('app', () => readAppConfig());
export type AppConfig = ReturnType<typeof readAppConfig>;
