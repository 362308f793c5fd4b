import { registerAs } from '@nestjs/config';
import { bool, int, oneOf, str, type Env } from './env.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Process-level settings: where to listen, logging, docs, metrics, the playground and shutdown behaviour. */
export function readAppConfig(env: Env = process.env) {
  return {
    port: int(env, 'PORT', { default: 3000, min: 0, max: 65535 }),
    host: str(env, 'HOST', '0.0.0.0'),
    trustProxy: str(env, 'TRUST_PROXY', 'loopback'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    docsEnabled: bool(env, 'DOCS_ENABLED', true),
    metricsEnabled: bool(env, 'METRICS_ENABLED', true),
    playgroundEnabled: bool(env, 'PLAYGROUND_ENABLED', true),
    shutdownDelayMs: int(env, 'SHUTDOWN_DELAY_MS', { default: 5000, max: 600_000 }),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', { default: 15000, max: 600_000 }),
  };
}

export const appConfig = registerAs('app', () => readAppConfig());
export type AppConfig = ReturnType<typeof readAppConfig>;
