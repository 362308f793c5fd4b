/**
 * `npm run bench:event-loop`: how responsive the service stays while it previews the largest corpus pages flat out,
 * with the parse worker pool (PARSE_WORKERS=auto) against parsing on the main thread (PARSE_WORKERS=0).
 *
 * The service's own event-loop delay (p99 and max of monitorEventLoopDelay over the load) is read from its /metrics.
 * It is also measured from outside: a probe sends `GET /health/live`
 * (or `GET /test` on a build without it; neither does I/O) every ~20 ms on its own connection; its latency is the time
 * the request waited for the event loop plus a small constant. The same probe on the idle service gives that constant.
 *
 * Flags: --duration S (10) --concurrency N (16) --pages N (8 largest) --interval MS (20) --rounds N (1)
 *        --json FILE (also write the summary as JSON, for `npm run bench`)
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { numberFlag, readFlags } from './support/args.js';
import { largestPages } from './support/corpus.js';
import { FixtureUpstream } from './support/fixture.js';
import { BENCH_AUTH, DEPLOYMENT_ENV, DEPLOYMENT_NOTE } from './support/deployment.js';
import { keepAliveAgent, timedGet } from './support/http-client.js';
import { probeLatencies } from './support/probe.js';
import { startService, withCleanup, type ServiceProcess } from './support/service.js';
import { writeSummary, type BenchRatio } from './support/summary.js';
import { median, printTable, quantile } from './support/table.js';

const USAGE =
  'tsx bench/event-loop.ts [--duration 10] [--concurrency 16] [--pages 8] [--interval 20] [--rounds 1] [--json FILE]';
const flags = readFlags(['duration', 'concurrency', 'pages', 'interval', 'rounds', 'json'], USAGE);
const durationMs = numberFlag(flags, 'duration', 10) * 1000;
const concurrency = numberFlag(flags, 'concurrency', 16);
const pageCount = numberFlag(flags, 'pages', 8);
const intervalMs = numberFlag(flags, 'interval', 20);
const rounds = numberFlag(flags, 'rounds', 1);
const IDLE_PROBE_MS = 2000;
const POOL = 'PARSE_WORKERS=auto (pool)';
const MAIN_THREAD = 'PARSE_WORKERS=0 (main thread)';
/** A preview still running this long after the window closed is abandoned (counted as failed). */
const REQUEST_TIMEOUT_MS = 30_000;

const pages = largestPages(pageCount);

/** The liveness route when the build has one (it is what an orchestrator polls), else the sample route. */
async function probePath(service: ServiceProcess): Promise<string> {
  const live = await timedGet(`${service.origin}/health/live`);
  return live.status === 200 ? '/health/live' : '/test';
}

/** Sends a probe every `intervalMs` (sequentially, one connection) until `until`; returns the latencies. */
function probe(service: ServiceProcess, path: string, until: number): Promise<number[]> {
  return probeLatencies(`${service.origin}${path}`, { intervalMs, until, timeoutMs: REQUEST_TIMEOUT_MS });
}

interface LoadCounts {
  ok: number;
  failed: number;
  /** Status codes of failed previews (0 for a transport error), for the report. */
  failures: Map<number, number>;
}

/**
 * `concurrency` loops, each previewing a unique URL (a fresh `u` query value, so a guaranteed cache miss) of the
 * next large page as soon as its last one finished, until `until`. Only previews that finish in the window count.
 */
async function loadCold(service: ServiceProcess, fixture: FixtureUpstream, until: number): Promise<LoadCounts> {
  const agent = keepAliveAgent(concurrency);
  const counts: LoadCounts = { ok: 0, failed: 0, failures: new Map() };
  let next = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const target = fixture.url(`/p/${next++ % pages.length}?u=${randomUUID()}`);
      let status: number;
      try {
        const url = `${service.origin}/v1/previews?url=${encodeURIComponent(target)}`;
        status = (await timedGet(url, { agent, headers: BENCH_AUTH, timeoutMs: REQUEST_TIMEOUT_MS })).status;
      } catch {
        status = 0;
      }
      if (performance.now() > until) break;
      if (status === 200) counts.ok += 1;
      else {
        counts.failed += 1;
        counts.failures.set(status, (counts.failures.get(status) ?? 0) + 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, loop));
  } finally {
    agent.destroy();
  }
  return counts;
}

/** `503x3 0x1`: how many failed previews had each status (0 = transport error). */
function describeFailures(failures: Map<number, number>): string {
  return [...failures].map(([status, count]) => String(status) + 'x' + String(count)).join(' ');
}

interface ModeResult {
  label: string;
  path: string;
  idle: number[];
  loaded: number[];
  counts: LoadCounts;
  /** This bench process's own event-loop delay p99 (ms): if high, the probe figures include client-side delay. */
  clientDelayP99Ms: number;
  /** The service's own event-loop delay over the load (ms), from its /metrics (monitorEventLoopDelay). */
  serviceDelay?: { p99: number; max: number };
}

/**
 * Reads the service's event-loop delay from /metrics. prom-client resets its monitorEventLoopDelay histogram at each
 * scrape, so a scrape before the load starts a window and one after it reads that window.
 */
async function serviceEventLoopDelay(service: ServiceProcess): Promise<{ p99: number; max: number } | undefined> {
  const res = await fetch(`${service.origin}/metrics`);
  if (res.status !== 200) return undefined;
  const text = await res.text();
  const read = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]) * 1000;
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

async function runMode(label: string, parseWorkers: string, fixture: FixtureUpstream): Promise<ModeResult> {
  const service = await startService(label, {
    ...fixture.serviceEnv(),
    ...DEPLOYMENT_ENV,
    CACHE_STORE: 'memory',
    PARSE_WORKERS: parseWorkers,
    // 16 concurrent previews of one origin: at the default of 4 per host the fetcher would throttle the load.
    FETCH_PER_HOST_CONCURRENCY: String(Math.min(64, concurrency)),
  });
  try {
    // Warm-up: every page once, so both modes start with JIT-compiled parsers and started worker threads.
    await Promise.all(
      pages.map((_, index) => {
        const target = fixture.url(`/p/${index}?u=warm-${randomUUID()}`);
        return timedGet(`${service.origin}/v1/previews?url=${encodeURIComponent(target)}`, { headers: BENCH_AUTH });
      }),
    );
    const path = await probePath(service);
    const idle = await probe(service, path, performance.now() + IDLE_PROBE_MS);
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    await serviceEventLoopDelay(service);
    const until = performance.now() + durationMs;
    const [loaded, counts] = await Promise.all([probe(service, path, until), loadCold(service, fixture, until)]);
    const serviceDelay = await serviceEventLoopDelay(service);
    histogram.disable();
    return { label, path, idle, loaded, counts, clientDelayP99Ms: histogram.percentile(99) / 1e6, serviceDelay };
  } finally {
    await service.stop();
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Main thread against pool, medians over the rounds: how much more responsive the pool keeps the service. */
function ratiosOf(results: readonly ModeResult[]): BenchRatio[] {
  const of = (workers: 'pool' | 'main', pick: (result: ModeResult) => number): number =>
    median(results.filter((result) => result.label === (workers === 'pool' ? POOL : MAIN_THREAD)).map(pick));
  const probeP99 = (result: ModeResult): number => quantile(result.loaded, 0.99);
  const ratios: BenchRatio[] = [
    { label: 'event loop: probe p99, main thread / pool', value: of('main', probeP99) / of('pool', probeP99) },
    {
      label: 'event loop: previews/s, pool / main thread',
      value: of('pool', (result) => result.counts.ok) / of('main', (result) => result.counts.ok),
    },
  ];
  const delay = (result: ModeResult): number => result.serviceDelay?.p99 ?? Number.NaN;
  const serviceRatio = of('main', delay) / of('pool', delay);
  if (Number.isFinite(serviceRatio)) {
    ratios.push({ label: 'event loop: service ELD p99, main thread / pool', value: serviceRatio });
  }
  return ratios.map((ratio) => ({ ...ratio, value: Number(ratio.value.toFixed(2)) }));
}

await withCleanup(async (defer) => {
  const fixture = await new FixtureUpstream((url) => {
    const match = /^\/p\/(\d+)$/.exec(url.pathname);
    const page = match === null ? undefined : pages[Number(match[1])];
    // No charset: some corpus pages are not UTF-8, and the service must sniff them as it would on the web.
    return page === undefined ? undefined : { body: page.html, contentType: 'text/html' };
  }).start();
  defer(() => fixture.stop());

  const totalBytes = pages.reduce((sum, page) => sum + page.html.length, 0);
  const setup =
    `${pages.length} largest corpus pages (${(totalBytes / pages.length / 1024).toFixed(0)} KiB average: ` +
    `${pages.map((page) => page.name).join(', ')}); ${concurrency} concurrent cold previews for ` +
    `${durationMs / 1000} s per mode${rounds > 1 ? ' x ' + String(rounds) + ' rounds' : ''}; ` +
    `probe every ${intervalMs} ms; ${DEPLOYMENT_NOTE}`;
  process.stdout.write(`bench:event-loop  ${setup}\n`);
  const results: ModeResult[] = [];
  for (let round = 0; round < rounds; round++) {
    results.push(await runMode(POOL, 'auto', fixture));
    results.push(await runMode(MAIN_THREAD, '0', fixture));
  }

  const rows = results.map((result) => ({
    mode: result.label,
    'previews/s': round1(result.counts.ok / (durationMs / 1000)),
    ok: result.counts.ok,
    failed: result.counts.failed === 0 ? 0 : `${result.counts.failed} (${describeFailures(result.counts.failures)})`,
    probes: result.loaded.length,
    'probe p50 ms': round1(quantile(result.loaded, 0.5)),
    'probe p99 ms': round1(quantile(result.loaded, 0.99)),
    'probe max ms': round1(Math.max(...result.loaded)),
    'idle p50 ms': round1(quantile(result.idle, 0.5)),
    'idle p99 ms': round1(quantile(result.idle, 0.99)),
    'service ELD p99 ms': result.serviceDelay === undefined ? null : round1(result.serviceDelay.p99),
    'service ELD max ms': result.serviceDelay === undefined ? null : round1(result.serviceDelay.max),
    'bench ELD p99 ms': round1(result.clientDelayP99Ms),
  }));
  const title = `Probe latency of GET ${results[0]?.path ?? '/test'} (ms) while previewing cold large pages`;
  printTable(
    title,
    Object.keys(rows[0]),
    rows.map((row) => Object.values(row).map((cell) => (cell === null ? 'n/a' : cell))),
  );
  writeSummary(flags.json, {
    name: 'bench:event-loop',
    title,
    rows,
    ratios: ratiosOf(results),
    notes: [
      setup,
      'probe: one GET every interval on its own connection; its latency is the wait for the event loop plus a small constant (idle p50).',
      "service ELD: the service's own monitorEventLoopDelay over the load window, read from /metrics.",
      "bench ELD: this bench process's own event-loop delay; if high, the probe figures include client-side delay.",
    ],
  });
});
