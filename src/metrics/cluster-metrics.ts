import cluster from 'node:cluster';
import type { Registry } from 'prom-client';

/**
 * The messages by which `/metrics` covers every worker of a cluster (WEB_CONCURRENCY>1). A scrape reaches one
 * worker, which asks the primary (`request`); the primary asks every listening worker for its registry as JSON
 * (`collect` → `local`), sums them with prom-client's `AggregatorRegistry.aggregate` and answers (`aggregated`).
 * The types are prefixed so that they never meet prom-client's own cluster messages.
 */
export const CLUSTER_METRICS = {
  request: 'lps:metrics:request',
  collect: 'lps:metrics:collect',
  local: 'lps:metrics:local',
  aggregated: 'lps:metrics:aggregated',
} as const;

/** A worker's registry as JSON, as `getMetricsAsJSON()` gives it. */
export type LocalMetrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** A message of the protocol above; `id` pairs an answer with its question. */
export type ClusterMetricsMessage =
  | { type: typeof CLUSTER_METRICS.request; id: number }
  | { type: typeof CLUSTER_METRICS.collect; id: number }
  | { type: typeof CLUSTER_METRICS.local; id: number; metrics: LocalMetrics }
  | { type: typeof CLUSTER_METRICS.aggregated; id: number; text?: string; error?: string };

type AggregatedMessage = Extract<ClusterMetricsMessage, { type: typeof CLUSTER_METRICS.aggregated }>;

/** Whether `message` (anything a process received over IPC) is one of ours of type `type`. */
export function isClusterMetricsMessage<T extends ClusterMetricsMessage['type']>(
  message: unknown,
  type: T,
): message is Extract<ClusterMetricsMessage, { type: T }> {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === type &&
    typeof (message as { id?: unknown }).id === 'number'
  );
}

/** Longest wait of a worker for the primary's aggregated answer; the primary bounds each worker's part itself. */
const AGGREGATED_TIMEOUT_MS = 5000;

/**
 * The worker side: answers the primary's `collect` with this process's registry, and gets the cluster-wide
 * exposition for a scrape. In a process that is not a cluster worker, the exposition is the local registry's.
 */
export class ClusterMetricsClient {
  private nextId = 0;
  private readonly waiting = new Map<number, (message: AggregatedMessage) => void>();
  private readonly onMessage = (message: unknown): void => {
    if (isClusterMetricsMessage(message, CLUSTER_METRICS.collect)) {
      void this.registry.getMetricsAsJSON().then((metrics) => {
        process.send?.({ type: CLUSTER_METRICS.local, id: message.id, metrics } satisfies ClusterMetricsMessage);
      });
    } else if (isClusterMetricsMessage(message, CLUSTER_METRICS.aggregated)) {
      this.waiting.get(message.id)?.(message);
    }
  };

  constructor(private readonly registry: Registry) {}

  get clustered(): boolean {
    return cluster.isWorker && process.send !== undefined;
  }

  onModuleInit(): void {
    if (this.clustered) process.on('message', this.onMessage);
  }

  onModuleDestroy(): void {
    process.removeListener('message', this.onMessage);
  }

  /** The Prometheus text of every worker of the cluster (of this process alone outside a cluster). */
  async exposition(): Promise<string> {
    if (!this.clustered) return this.registry.metrics();
    const id = this.nextId++;
    try {
      const answer = await new Promise<AggregatedMessage>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`the cluster primary did not answer a metrics request in ${AGGREGATED_TIMEOUT_MS} ms`)),
          AGGREGATED_TIMEOUT_MS,
        );
        this.waiting.set(id, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
        process.send?.({ type: CLUSTER_METRICS.request, id } satisfies ClusterMetricsMessage);
      });
      if (answer.text === undefined)
        throw new Error(`the cluster primary could not aggregate metrics: ${answer.error}`);
      return answer.text;
    } finally {
      this.waiting.delete(id);
    }
  }
}
