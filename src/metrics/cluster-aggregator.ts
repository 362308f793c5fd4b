import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import {
  CLUSTER_METRICS,
  isClusterMetricsMessage,
  type ClusterMetricsMessage,
  type LocalMetrics,
} from './cluster-metrics.js';

/** Longest wait for one worker's registry; a worker that has not answered by then is left out of that scrape. */
const WORKER_TIMEOUT_MS = 3000;

interface Collection {
  expected: Set<number>;
  received: Map<number, LocalMetrics>;
  finish(): void;
}

/** Sends without throwing: a worker that has just died cannot take a message, and that is no error of the scrape. */
function send(worker: Worker, message: ClusterMetricsMessage): void {
  if (worker.isConnected()) worker.send(message, () => undefined);
}

/**
 * The primary's side of cluster-wide metrics: on a worker's request it collects the registries of every listening
 * worker, sums them (counters and histograms add up; each metric's `aggregator` says otherwise, e.g. `average` for
 * a utilization) and answers with the Prometheus text. It adds the primary's own metrics: how many workers listen
 * and how many died.
 */
export class ClusterMetricsAggregator {
  private readonly registry = new Registry();
  private readonly deaths = new Counter({
    name: 'cluster_worker_deaths_total',
    help: 'Worker processes that died (and were replaced), counted by the cluster primary',
    registers: [this.registry],
  });
  private readonly workers: Gauge;
  private readonly collections = new Map<number, Collection>();
  private nextId = 0;

  constructor(
    /** The workers that take connections now. */
    private readonly listening: () => Worker[],
    private readonly log: Logger,
  ) {
    this.workers = new Gauge({
      name: 'cluster_workers',
      help: 'Worker processes listening, as the cluster primary sees them',
      registers: [this.registry],
    });
  }

  /** Counts a worker's death and stops waiting for its metrics in a running collection. */
  noteDeath(worker: Worker): void {
    this.deaths.inc();
    for (const collection of this.collections.values()) {
      if (collection.expected.delete(worker.id) && collection.received.size === collection.expected.size) {
        collection.finish();
      }
    }
  }

  /** The `cluster.on('message')` listener. */
  readonly onMessage = (worker: Worker, message: unknown): void => {
    if (isClusterMetricsMessage(message, CLUSTER_METRICS.request)) {
      this.aggregate().then(
        (text) => send(worker, { type: CLUSTER_METRICS.aggregated, id: message.id, text }),
        (error: unknown) => {
          this.log.error({ err: error }, 'cluster metrics could not be aggregated');
          send(worker, { type: CLUSTER_METRICS.aggregated, id: message.id, error: String(error) });
        },
      );
    } else if (isClusterMetricsMessage(message, CLUSTER_METRICS.local)) {
      const collection = this.collections.get(message.id);
      if (collection?.expected.has(worker.id) !== true) return;
      collection.received.set(worker.id, message.metrics);
      if (collection.received.size === collection.expected.size) collection.finish();
    }
  };

  /** The Prometheus text of every listening worker's registry, summed, and the primary's own. */
  async aggregate(): Promise<string> {
    const workers = this.listening().filter((worker) => worker.isConnected());
    this.workers.set(workers.length);
    const locals = await this.collect(workers);
    const registry = AggregatorRegistry.aggregate([...locals, await this.registry.getMetricsAsJSON()]);
    return registry.metrics();
  }

  private collect(workers: Worker[]): Promise<LocalMetrics[]> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const collection: Collection = {
        expected: new Set(workers.map((worker) => worker.id)),
        received: new Map(),
        finish: () => {
          clearTimeout(timer);
          this.collections.delete(id);
          resolve([...collection.received.values()]);
        },
      };
      const timer = setTimeout(() => {
        const missing = workers.filter((worker) => !collection.received.has(worker.id));
        this.log.warn(
          { workerPids: missing.map((worker) => worker.process.pid), timeoutMs: WORKER_TIMEOUT_MS },
          'workers did not send their metrics in time: this scrape leaves them out',
        );
        collection.finish();
      }, WORKER_TIMEOUT_MS);
      this.collections.set(id, collection);
      if (workers.length === 0) collection.finish();
      for (const worker of workers) send(worker, { type: CLUSTER_METRICS.collect, id });
    });
  }
}
