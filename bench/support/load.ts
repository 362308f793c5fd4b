import autocannon from 'autocannon';

/** One autocannon measurement of one URL. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  /** Socket errors, timeouts and non-2xx answers: any of them makes the figure suspect. */
  failures: number;
}

/** Load settings shared by the autocannon benches. */
export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/**
 * Warms `url` up, then measures it. autocannon runs in this process with `workers` off: on 2 cores, worker threads
 * only add a third and fourth busy thread competing with the service, which makes the figures jumpier.
 */
export async function measure(url: string, options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) {
    await autocannon({ url, connections: options.connections, duration: options.warmupSeconds });
  }
  const result = await autocannon({ url, connections: options.connections, duration: options.durationSeconds });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    total: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}
