import { performance } from 'node:perf_hooks';
import { keepAliveAgent, timedGet } from './http-client.js';

/** How a latency probe runs. */
export interface ProbeOptions {
  /** Time between the starts of two probes (a slow answer delays the next one, it never overlaps). */
  intervalMs: number;
  /** `performance.now()` after which no probe is sent. */
  until: number;
  /** Longest wait for one answer. */
  timeoutMs: number;
}

/**
 * GETs `url` every `intervalMs`, one request at a time on its own keep-alive connection, until `until`: the
 * latencies measure how long the service's event loop made a trivial request wait.
 */
export async function probeLatencies(url: string, options: ProbeOptions): Promise<number[]> {
  const agent = keepAliveAgent(1);
  const latencies: number[] = [];
  try {
    while (performance.now() < options.until) {
      const response = await timedGet(url, { agent, timeoutMs: options.timeoutMs });
      latencies.push(response.ms);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, options.intervalMs - response.ms)));
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}
