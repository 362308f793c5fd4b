import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry. Default metrics include the event-loop delay from `monitorEventLoopDelay`
 * (`nodejs_eventloop_lag_p99_seconds` and friends, reset at every scrape), heap, GC and handles.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 10 });

/** Response times of every HTTP request, by method, route pattern and status. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP response time, from the request to the last byte handed to the socket',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Durations of methods decorated with `@Timed()`. */
export const methodDuration = new Histogram({
  name: 'method_duration_seconds',
  help: 'Duration of @Timed() methods, including failed calls',
  labelNames: ['method', 'outcome'] as const,
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
  registers: [metricsRegistry],
});
