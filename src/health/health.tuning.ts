/** Injection token of {@link HealthTuning}. */
export const HEALTH_TUNING = Symbol('HEALTH_TUNING');

/** How readiness measures, where the defaults are not deployment settings (tests shorten them). */
export interface HealthTuning {
  /**
   * Length of one event-loop delay window: readiness reads the p99 over the last one to two windows, so a delay
   * counts for that long. @default 5000
   */
  eventLoopWindowMs: number;
  /** How often the shared cache is probed in the background (metric and log line even with no readiness probe). @default 5000 */
  cacheProbeIntervalMs: number;
  /** Longest wait for one cache server's answer to a probe. @default 500 */
  cacheProbeTimeoutMs: number;
  /** A readiness probe reuses a cache probe younger than this, so that frequent probes do not multiply. @default 1000 */
  cacheProbeMaxAgeMs: number;
}

export const DEFAULT_HEALTH_TUNING: HealthTuning = {
  eventLoopWindowMs: 5000,
  cacheProbeIntervalMs: 5000,
  cacheProbeTimeoutMs: 500,
  cacheProbeMaxAgeMs: 1000,
};
