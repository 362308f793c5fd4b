import type { Worker } from 'node:cluster';
import { pino } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { ClusterMetricsAggregator } from './cluster-aggregator.js';
import { CLUSTER_METRICS, type ClusterMetricsMessage } from './cluster-metrics.js';

/** A worker process as the primary sees it, whose registry answers the primary's `collect` (unless `mute`). */
function fakeWorker(id: number, registry: Registry, aggregator: () => ClusterMetricsAggregator, mute = false) {
  const worker = {
    id,
    process: { pid: 1000 + id },
    isConnected: () => true,
    send(message: ClusterMetricsMessage): boolean {
      if (!mute && message.type === CLUSTER_METRICS.collect) {
        void registry.getMetricsAsJSON().then((metrics) => {
          aggregator().onMessage(worker as unknown as Worker, { type: CLUSTER_METRICS.local, id: message.id, metrics });
        });
      }
      return worker.isConnected();
    },
  };
  return worker as unknown as Worker;
}

function workerRegistry(requests: number, utilization: number): Registry {
  const registry = new Registry();
  new Counter({ name: 'requests_total', help: 'requests', labelNames: ['route'], registers: [registry] }).inc(
    { route: '/test' },
    requests,
  );
  new Gauge({ name: 'pool_utilization', help: 'busy share', aggregator: 'average', registers: [registry] }).set(
    utilization,
  );
  return registry;
}

describe('ClusterMetricsAggregator', () => {
  const log = pino({ level: 'silent' });

  it("sums the workers' counters, averages what says so, and adds the primary's own metrics", async () => {
    const workers: Worker[] = [];
    const aggregator = new ClusterMetricsAggregator(() => workers, log);
    workers.push(
      fakeWorker(1, workerRegistry(15, 0.2), () => aggregator),
      fakeWorker(2, workerRegistry(25, 0.6), () => aggregator),
    );
    const text = await aggregator.aggregate();
    expect(text).toContain('requests_total{route="/test"} 40\n');
    expect(text).toContain('pool_utilization 0.4\n');
    expect(text).toContain('cluster_workers 2\n');
    expect(text).toContain('cluster_worker_deaths_total 0\n');
  });

  it('stops waiting for a worker that dies during a scrape, and counts its death', async () => {
    const workers: Worker[] = [];
    const aggregator = new ClusterMetricsAggregator(() => workers, log);
    const dying = fakeWorker(2, workerRegistry(99, 1), () => aggregator, true);
    workers.push(
      fakeWorker(1, workerRegistry(15, 0.2), () => aggregator),
      dying,
    );
    const scrape = aggregator.aggregate();
    workers.pop();
    aggregator.noteDeath(dying);
    const text = await scrape;
    expect(text).toContain('requests_total{route="/test"} 15\n');
    expect(text).toContain('cluster_worker_deaths_total 1\n');
  });

  it('answers a worker that asks, with the aggregated text under the id it asked with', async () => {
    const replies: ClusterMetricsMessage[] = [];
    const workers: Worker[] = [];
    const aggregator = new ClusterMetricsAggregator(() => workers, log);
    const asking = fakeWorker(1, workerRegistry(3, 0), () => aggregator);
    const send = asking.send.bind(asking);
    asking.send = (message: ClusterMetricsMessage) => {
      if (message.type === CLUSTER_METRICS.aggregated) replies.push(message);
      return send(message);
    };
    workers.push(asking);
    aggregator.onMessage(asking, { type: CLUSTER_METRICS.request, id: 7 });
    for (let i = 0; i < 100 && replies.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(replies).toEqual([
      { type: CLUSTER_METRICS.aggregated, id: 7, text: expect.stringContaining('requests_total{route="/test"} 3\n') },
    ]);
  });
});
