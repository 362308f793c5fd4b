import { registerAs } from '@nestjs/config';
import { int, type Env } from './env.js';

/** Readiness: when `/health/ready` takes the process out of rotation. */
export function readHealthConfig(env: Env = process.env) {
  return {
    /**
     * The event-loop delay (p99 over the last 5 to 10 s, in ms) above which readiness answers 503: the process is
     * too busy to take more traffic. 0 turns the check off. @default 1000
     */
    maxEventLoopDelayMs: int(env, 'READINESS_MAX_EVENT_LOOP_DELAY_MS', { default: 1000, min: 0, max: 60_000 }),
  };
}

export const healthConfig = registerAs('health', () => readHealthConfig());
export type HealthConfig = ReturnType<typeof readHealthConfig>;
