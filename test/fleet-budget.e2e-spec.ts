import { CountingUpstream, earlyInASecond } from './support/counting-upstream.js';
import { articlePage } from './support/fixture-upstream.js';
import { startMemcached, type MemcachedProcess } from './support/memcached.js';
import type { StartedService } from './support/processes.js';
import { freshRequest, startOnLoopback } from './support/service-logs.js';

const PER_SECOND = 4;

/**
 * The fleet-wide per-origin budget (FETCH_PER_ORIGIN_PER_SECOND), counted at the upstream: several processes that
 * share one memcached send the origin at most that many requests in any whole second between them.
 */
describe('FETCH_PER_ORIGIN_PER_SECOND across processes sharing memcached (e2e, the built service)', () => {
  let memcached: MemcachedProcess;
  let upstream: CountingUpstream;
  const services: StartedService[] = [];

  /** A built service on memcached with the budget; resolves once every worker is listening. */
  const start = async (env: Record<string, string>): Promise<{ service: StartedService; base: string }> => {
    const started = await startOnLoopback({
      RATE_LIMIT_PER_MINUTE: '0',
      CACHE_STORE: 'memcached',
      MEMCACHED_SERVERS: memcached.address,
      FETCH_ALLOW_PRIVATE: upstream.hostPort,
      FETCH_PER_ORIGIN_PER_SECOND: String(PER_SECOND),
      // Long enough that every request waits for its window instead of being shed: the figure is the upstream's.
      FETCH_QUEUE_TIMEOUT_MS: '20000',
      ...env,
    });
    services.push(started.service);
    return started;
  };

  /** `count` cold previews of distinct URLs (a cache-busting query) on one origin, all at once. */
  const burst = (base: string, count: number, tag: string): Promise<number[]> =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        freshRequest(
          `${base}/v1/previews?url=${encodeURIComponent(upstream.url('/page?v=' + tag + '-' + String(i)))}`,
        ).then((answer) => answer.status),
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
    const { base } = await start({ WEB_CONCURRENCY: '2' });
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
