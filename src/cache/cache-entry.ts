import { DomainError } from '../common/errors/domain-error.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../common/errors/error-codes.js';

/** Version of the entry layout and of the cached value's shape; part of every key, so a bump starts a fresh cache. */
export const CACHE_SCHEMA_VERSION = 1;

/** A domain error as it is kept in the cache: what the caller is shown, nothing internal (no cause, no stack). */
export interface CachedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

interface EntryTimes {
  /** Layout version ({@link CACHE_SCHEMA_VERSION}). */
  v: number;
  /** When the value was produced (epoch ms). */
  storedAt: number;
  /** Until when it is served as a HIT (epoch ms). */
  freshUntil: number;
  /** Until when it may be served as STALE while one refresh runs (epoch ms). */
  staleUntil: number;
}

export type ValueEntry<T> = EntryTimes & { value: T };
export type ErrorEntry = EntryTimes & { error: CachedError };
/** The plain JSON envelope every store keeps: a value or a cached error, with its freshness. */
export type CacheEntry<T = unknown> = ValueEntry<T> | ErrorEntry;

/** The classes of cacheable errors, each kept for its own TTL. */
export type ErrorClass = 'transient' | 'lasting' | 'blocked';

/** The error TTLs of the cache configuration, in seconds (0 turns a class off). */
export interface ErrorTtls {
  /**
   * `CACHE_TRANSIENT_ERROR_TTL_SECONDS`: failures that may be gone in a moment (5xx, 429, 408, timeouts, resets,
   * refused connections, DNS): kept briefly, so that a failing upstream is asked a few times a minute, not per request.
   */
  transientErrorTtlSeconds: number;
  /** `CACHE_ERROR_TTL_SECONDS`: answers that last (404, 410 and other 4xx, too large, TLS, undecodable, bad redirects). */
  errorTtlSeconds: number;
  /** `CACHE_BLOCKED_TTL_SECONDS`: block pages (bot challenges, consent and login walls), and redirects to a blocked destination. */
  blockedTtlSeconds: number;
}

/** Upstream statuses that say the upstream is in trouble for now (or asks us to slow down), not that the page is gone. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

/** `details.cause` of an `UPSTREAM_ERROR` that did not come from the target's answer: our side, never cached. */
const OWN_CAUSES = new Set(['cancelled', 'parse_timeout', 'parse_failed']);

/** `details.cause` of an `UPSTREAM_ERROR` without a status that may clear up in a moment. */
const TRANSIENT_CAUSES = new Set(['refused', 'reset', 'dns', 'network', 'protocol']);

/** An upstream status error: 5xx and a few 4xx are transient, every other 4xx (and a 3xx we cannot follow) lasts. */
function statusClass(status: number): ErrorClass {
  return status >= 500 || TRANSIENT_STATUSES.has(status) ? 'transient' : 'lasting';
}

/**
 * Which class of cacheable error `error` is, or `undefined` when it must not be cached. Only answers about the target
 * are cached: an error that never reached the upstream (`details.reachedUpstream === false`: waiting for an origin
 * slot or the origin budget, `OVERLOADED`), errors about the request itself (`INVALID_URL`, a `BLOCKED_DESTINATION`
 * refused before any request) and our own failures (a cancelled request, a parse timeout or crash) never are.
 */
export function errorClassOf(error: unknown): ErrorClass | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const details = error.details ?? {};
  if (details.reachedUpstream === false) return undefined;
  switch (error.code) {
    case 'UPSTREAM_BLOCKED':
      return 'blocked';
    case 'BLOCKED_DESTINATION':
      // Only a redirect to a blocked destination is the target's answer (the first hop is refused before any request).
      return typeof details.redirect === 'number' ? 'blocked' : undefined;
    case 'UPSTREAM_TIMEOUT':
      return 'transient';
    case 'UPSTREAM_TOO_LARGE':
      return 'lasting';
    case 'UPSTREAM_ERROR': {
      const { upstreamStatus, cause } = details;
      if (typeof upstreamStatus === 'number') return statusClass(upstreamStatus);
      if (typeof cause !== 'string' || OWN_CAUSES.has(cause)) return undefined;
      return TRANSIENT_CAUSES.has(cause) ? 'transient' : 'lasting';
    }
    default:
      return undefined;
  }
}

/** Whether a loader error is an answer about the target worth caching (see {@link errorClassOf}). */
export function isCacheableError(error: unknown): error is DomainError {
  return errorClassOf(error) !== undefined;
}

/**
 * How long a loader error is cached, in seconds; 0 when it is not. The one place that picks a TTL per class of
 * error (see {@link errorClassOf}).
 */
export function errorTtlSeconds(error: unknown, cfg: ErrorTtls): number {
  switch (errorClassOf(error)) {
    case 'transient':
      return cfg.transientErrorTtlSeconds;
    case 'lasting':
      return cfg.errorTtlSeconds;
    case 'blocked':
      return cfg.blockedTtlSeconds;
    default:
      return 0;
  }
}

/** An entry for `value`, fresh for `ttlSeconds`, then stale for `staleSeconds`. */
export function valueEntry<T>(value: T, storedAt: number, ttlSeconds: number, staleSeconds: number): ValueEntry<T> {
  const freshUntil = storedAt + ttlSeconds * 1000;
  return { v: CACHE_SCHEMA_VERSION, storedAt, freshUntil, staleUntil: freshUntil + staleSeconds * 1000, value };
}

/** An entry for a cacheable error: fresh for `ttlSeconds`, never served stale. */
export function errorEntry(error: DomainError, storedAt: number, ttlSeconds: number): ErrorEntry {
  const freshUntil = storedAt + ttlSeconds * 1000;
  const cached: CachedError = { code: error.code, message: error.message };
  if (error.details !== undefined) cached.details = error.details;
  return { v: CACHE_SCHEMA_VERSION, storedAt, freshUntil, staleUntil: freshUntil, error: cached };
}

/** The domain error a cached error entry stands for. */
export function domainErrorOf(cached: CachedError): DomainError {
  return new DomainError(cached.code, cached.message, cached.details === undefined ? {} : { details: cached.details });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCachedError(value: unknown): value is CachedError {
  return (
    isRecord(value) &&
    typeof value.code === 'string' &&
    Object.hasOwn(ERROR_CATALOGUE, value.code) &&
    typeof value.message === 'string' &&
    (value.details === undefined || isRecord(value.details))
  );
}

/**
 * Reads what a store returned as an entry of the current layout; anything else (another version, a foreign or
 * damaged value) is `undefined` and is treated as a miss.
 */
export function parseEntry(raw: unknown): CacheEntry | undefined {
  if (!isRecord(raw) || raw.v !== CACHE_SCHEMA_VERSION) return undefined;
  const { storedAt, freshUntil, staleUntil } = raw;
  if (typeof storedAt !== 'number' || typeof freshUntil !== 'number' || typeof staleUntil !== 'number')
    return undefined;
  if (Object.hasOwn(raw, 'value')) return raw as unknown as CacheEntry;
  return isCachedError(raw.error) ? (raw as unknown as CacheEntry) : undefined;
}
