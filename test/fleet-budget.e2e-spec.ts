import http from 'node:http';
import { CountingUpstream, earlyInASecond, until } from './support/counting-upstream.js';
import { articlePage } from './support/fixture-upstream.js';
import { startMemcached, type MemcachedProcess } from './support/memcached.js';
import { freePort, startService, waitForHttp, type StartedService } from './support/processes.js';

const PER_SECOND = 4;

/** One GET on a fresh connection (so that the kernel may hand it to any worker); its status. */
function getFresh(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** PIDs of the workers the cluster primary reported listening, from its JSON log lines. */
function listeningWorkers(service: StartedService): Set<number> {
  const pids = new Set<number>();
  for (const line of service.stdout().split('\n')) {
    try {
      const entry = JSON.parse(line) as { role?: string; msg?: string; workerPid?: number };
      if (entry.role === 'primary' && entry.msg === 'worker listening' && entry.workerPid !== undefined) {
        pids.add(entry.workerPid);
      }
    } catch {
      // Not a log line of the service's (a partial line still being written).
    }
  }
  return pids;
}

/**
 * The fleet-wide per-origin budget (FETCH_PER_ORIGIN_PER_SECOND), counted at the upstream: several processes that
 * share one memcached send the origin at most that many requests in any whole second between them.
 */
describe('FETCH_PER_ORIGIN_PER_SECOND across processes sharing memcached (e2e, the built service)', () => {
  let memcached: MemcachedProcess;
  let upstream: CountingUpstream;
  const services: StartedService[] = [];

  const start = async (env: Record<string, string>): Promise<{ service: StartedService; base: string }> => {
    const port = await freePort();
    const service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_DELAY_MS: '0',
      PARSE_WORKERS: '1',
      RATE_LIMIT_PER_MINUTE: '0',
      CACHE_STORE: 'memcached',
      MEMCACHED_SERVERS: memcached.address,
      FETCH_ALLOW_PRIVATE: upstream.hostPort,
      FETCH_PER_ORIGIN_PER_SECOND: String(PER_SECOND),
      // Long enough that every request waits for its window instead of being shed: the figure is the upstream's.
      FETCH_QUEUE_TIMEOUT_MS: '20000',
      ...env,
    });
    services.push(service);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/test`, 15_000);
    return { service, base };
  };

  /** `count` cold previews of distinct URLs (a cache-busting query) on one origin, all at once. */
  const burst = (base: string, count: number, tag: string): Promise<number[]> =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        getFresh(`${base}/v1/previews?url=${encodeURIComponent(upstream.url('/page?v=' + tag + '-' + String(i)))}`),
      ),
    );

  /**
   * What the upstream's clock shows of 24 fetches under one budget of PER_SECOND shared by two senders: they took at
   * least 24 / PER_SECOND = 6 of the senders' one-second windows, where two budgets of their own would have taken 3.
   * The windows are the senders' clocks and the arrivals the upstream's: a fetch allowed at the very end of a window
   * (a sender busy between the burst and its count, as on a loaded CI machine) arrives in the next second, so one
   * arrival second may hold a window's fetches and the late ones of the window before, and the first arrival may be
   * a second after the first window. Six windows still put at least 4 whole seconds between the first arrival and
   * the last; three windows would put at most 3.
   */
  const expectOneSharedBudget = (): void => {
    expect(upstream.spanSeconds()).toBeGreaterThanOrEqual(24 / PER_SECOND - 2);
    expect(upstream.peakPerSecond()).toBeLessThanOrEqual(2 * PER_SECOND);
  };

  beforeAll(async () => {
    memcached = await startMemcached();
    upstream = await new CountingUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage('Budgeted'));
    }).start();
  });

  beforeEach(() => upstream.reset());

  afterAll(async () => {
    for (const service of services) if (service.child.exitCode === null) service.child.kill('SIGTERM');
    await Promise.all(services.map((service) => service.exited));
    await upstream.close();
    await memcached.stop();
  });

  it('holds across two worker processes (WEB_CONCURRENCY=2)', async () => {
    const { service, base } = await start({ WEB_CONCURRENCY: '2' });
    await until(() => listeningWorkers(service).size === 2, 15_000, 'both workers listening');
    await earlyInASecond();
    const statuses = await burst(base, 24, 'cluster');
    expect(statuses).toEqual(Array.from({ length: 24 }, () => 200));
    expect(upstream.arrivals).toHaveLength(24);
    expectOneSharedBudget();
  }, 60_000);

  it('holds across two independent instances, and each still fetches while memcached is down', async () => {
    const [first, second] = await Promise.all([start({}), start({})]);
    await earlyInASecond();
    const statuses = await Promise.all([burst(first.base, 12, 'a'), burst(second.base, 12, 'b')]);
    expect(statuses.flat()).toEqual(Array.from({ length: 24 }, () => 200));
    expect(upstream.arrivals).toHaveLength(24);
    expectOneSharedBudget();

    // Without the shared store each process counts on its own: still bounded, never refusing for the outage.
    await memcached.stop();
    upstream.reset();
    const during = await Promise.all([burst(first.base, 3, 'down-a'), burst(second.base, 3, 'down-b')]);
    expect(during.flat()).toEqual(Array.from({ length: 6 }, () => 200));
    expect(upstream.arrivals).toHaveLength(6);
  }, 60_000);
});
