import { readAccessConfig } from './access.config.js';
import { readAppConfig } from './app.config.js';
import { readCacheConfig } from './cache.config.js';
import { readConcurrencyConfig } from './concurrency.config.js';
import { readFetchConfig } from './fetch.config.js';
import { readHealthConfig } from './health.config.js';
import { readOembedConfig } from './oembed.config.js';
import { ConfigError, type Env } from './env.js';

/** Every namespace reader; each new feature adds its own here so that boot validates it. */
export const READERS: ((env: Env) => unknown)[] = [
  readAppConfig,
  readConcurrencyConfig,
  readFetchConfig,
  readCacheConfig,
  readOembedConfig,
  readAccessConfig,
  readHealthConfig,
];

/**
 * Validates the whole environment once, before anything starts, and reports every bad variable at once.
 * @returns the problems found (empty when the configuration is valid)
 */
export function validateEnvironment(env: Env = process.env): ConfigError[] {
  const problems: ConfigError[] = [];
  for (const read of READERS) {
    // A reader stops at its first bad variable: drop that one (its default is valid) and read again to find the next.
    const remaining: Env = { ...env };
    for (;;) {
      try {
        read(remaining);
        break;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(error);
        delete remaining[error.variable];
      }
    }
  }
  return problems;
}
