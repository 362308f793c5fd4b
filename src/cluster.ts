import cluster, { type Worker } from 'node:cluster';
import { pino, type Logger } from 'pino';
import { ClusterMetricsAggregator } from './metrics/cluster-aggregator.js';

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  /** Worker processes to keep running. */
  workers: number;
  /** Longest wait for the workers to drain after SIGTERM before they are killed. @default 15000 */
  shutdownTimeoutMs: number;
  /** First delay before a dead worker is replaced; doubles with each death in a row. @default 100 */
  restartDelayMs?: number;
  /** Longest delay between replacements. @default 10000 */
  maxRestartDelayMs?: number;
  /** A worker that lived this long resets the backoff. @default 30000 */
  stableAfterMs?: number;
  /** pino log level of the primary. @default 'info' */
  logLevel?: string;
}

/**
 * The cluster primary, the role uWSGI's `--processes` plays: forks `workers` processes that share the listening
 * port, replaces a worker that dies (with exponential backoff, so a crash loop does not become a fork storm), and on
 * SIGTERM/SIGINT forwards the signal, waits for every worker to drain and exits 0 (1 if they had to be killed).
 * It also sums the workers' metrics for `/metrics`, whichever worker a scrape reaches.
 */
export function runPrimary(options: PrimaryOptions): void {
  const log: Logger = pino({ level: options.logLevel ?? 'info', base: { pid: process.pid, role: 'primary' } });
  const restartDelayMs = options.restartDelayMs ?? 100;
  const maxRestartDelayMs = options.maxRestartDelayMs ?? 10_000;
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  const startedAt = new Map<number, number>();
  const listening = new Map<number, Worker>();
  const metrics = new ClusterMetricsAggregator(() => [...listening.values()], log);
  let deathsInARow = 0;
  let shuttingDown = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? Date.now());
    startedAt.delete(worker.id);
    listening.delete(worker.id);
    if (shuttingDown) return;
    metrics.noteDeath(worker);
    deathsInARow = lived >= stableAfterMs ? 1 : deathsInARow + 1;
    const delay = Math.min(maxRestartDelayMs, restartDelayMs * 2 ** (deathsInARow - 1));
    log.error({ workerPid: worker.process.pid, code, signal, livedMs: lived, restartInMs: delay }, 'worker died');
    setTimeout(() => {
      if (!shuttingDown) fork();
    }, delay);
  });

  // Until a worker listens it takes no connections; and while none does, Node closes the shared socket (pending
  // connections are reset), so which workers listen is worth a line.
  cluster.on('listening', (worker, address) => {
    listening.set(worker.id, worker);
    log.info({ workerPid: worker.process.pid, port: address.port }, 'worker listening');
  });
  cluster.on('message', metrics.onMessage);

  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    log.info({ signal, workers: workers.length }, 'draining workers');
    const killTimer = setTimeout(() => {
      log.error({ timeoutMs: options.shutdownTimeoutMs }, 'workers did not drain in time: killing them');
      for (const worker of workers) worker.process.kill('SIGKILL');
      process.exit(1);
    }, options.shutdownTimeoutMs);
    void Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve)))).then(() => {
      clearTimeout(killTimer);
      log.info('all workers drained');
      process.exit(0);
    });
    for (const worker of workers) worker.process.kill(signal);
  };
  // `on`, not `once`: a repeated signal must not fall back to the default action and kill the primary mid-drain.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  // Workers accept from the shared socket themselves. With the default round-robin the primary accepts and hands
  // each connection over; one handed to a worker that has just died is never answered.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  log.info({ workers: options.workers }, 'starting workers');
  for (let i = 0; i < options.workers; i++) fork();
}
