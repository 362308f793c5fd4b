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

/** Upstream statuses that say something lasting about the target (it is gone), so the answer may be cached. */
const CACHEABLE_UPSTREAM_STATUSES = new Set([404, 410]);

/**
 * Whether a loader error is an answer about the target worth caching: the target is gone (`UPSTREAM_ERROR` with
 * upstream 404/410), did not answer in time (`UPSTREAM_TIMEOUT`) or answered with a block page (`UPSTREAM_BLOCKED`).
 * Errors about the request itself (`INVALID_URL`, `BLOCKED_DESTINATION`, ...) and our own failures never are.
 */
export function isCacheableError(error: unknown): error is DomainError {
  if (!(error instanceof DomainError)) return false;
  if (error.code === 'UPSTREAM_TIMEOUT' || error.code === 'UPSTREAM_BLOCKED') return true;
  return error.code === 'UPSTREAM_ERROR' && CACHEABLE_UPSTREAM_STATUSES.has(error.details?.upstreamStatus as number);
}

/** The error TTLs of the cache configuration. */
export interface ErrorTtls {
  /** `CACHE_ERROR_TTL_SECONDS`: errors that say something about the target. */
  errorTtlSeconds: number;
  /** `CACHE_BLOCKED_TTL_SECONDS`: block pages (bot challenges, consent and login walls), often short-lived. */
  blockedTtlSeconds: number;
}

/**
 * How long a loader error is cached, in seconds; 0 when it is not. The one place that picks a TTL per kind of
 * error: block pages have their own, every other cacheable error the general one.
 */
export function errorTtlSeconds(error: unknown, cfg: ErrorTtls): number {
  if (!isCacheableError(error)) return 0;
  return error.code === 'UPSTREAM_BLOCKED' ? cfg.blockedTtlSeconds : cfg.errorTtlSeconds;
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
