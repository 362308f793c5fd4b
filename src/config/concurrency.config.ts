import { availableParallelism } from 'node:os';
import { registerAs } from '@nestjs/config';
import { ConfigError, int, type Env } from './env.js';

/** Reads a count that may also be `auto` (the number of cores). */
function countOrAuto(env: Env, name: string, fallback: number | 'auto', max: number, min = 1): number {
  const value = env[name]?.trim() ?? '';
  if (value === '' && fallback === 'auto') return availableParallelism();
  if (value.toLowerCase() === 'auto') return availableParallelism();
  try {
    return int(env, name, { default: fallback === 'auto' ? availableParallelism() : fallback, min, max });
  } catch {
    throw new ConfigError(name, value, `auto or an integer from ${min} to ${max}`);
  }
}

/** Processes, parse threads and batch fan-out. */
export function readConcurrencyConfig(env: Env = process.env) {
  return {
    webConcurrency: countOrAuto(env, 'WEB_CONCURRENCY', 1, 64),
    /** 0 parses on the main thread (no pool): only for comparison and tiny deployments. */
    parseWorkers: countOrAuto(env, 'PARSE_WORKERS', 'auto', 64, 0),
    parseQueueMax: int(env, 'PARSE_QUEUE_MAX', { default: 256, min: 0, max: 100_000 }),
    parseTimeoutMs: int(env, 'PARSE_TIMEOUT_MS', { default: 2000, min: 10, max: 60_000 }),
    /** Bytes of pages in flight (downloading for a parse, queued, parsing) before new pages are refused. */
    parseMaxInflightMb: int(env, 'PARSE_MAX_INFLIGHT_MB', { default: 64, min: 1, max: 65_536 }),
    batchMaxUrls: int(env, 'BATCH_MAX_URLS', { default: 50, min: 1, max: 1000 }),
    batchConcurrency: int(env, 'BATCH_CONCURRENCY', { default: 8, min: 1, max: 256 }),
    batchTimeoutMs: int(env, 'BATCH_TIMEOUT_MS', { default: 20_000, min: 100, max: 600_000 }),
  };
}

export const concurrencyConfig = registerAs('concurrency', () => readConcurrencyConfig());
export type ConcurrencyConfig = ReturnType<typeof readConcurrencyConfig>;
