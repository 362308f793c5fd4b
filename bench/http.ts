/**
 * `npm run bench:http`: what a deployment's cache hits cost, against `GET /test` measured in the same run.
 *
 * The service runs as production does: authentication on (one client key sent by every request), the rate limit on
 * (a limit high enough never to refuse), on the built `node dist/main.js`. A warm set of `--urls` distinct pages
 * (5,000 by default, corpus pages served by a loopback fixture) is previewed once; then every load request picks one
 * of them at random, so no connection walks the set in lockstep and no cache keyed on the exact request can carry
 * the figure. Stores: memory; memcached with the in-process L1 off (every hit is a memcached read, shown by
 * memcached's own `stats` beside the figure) and on; and the memory store with WEB_CONCURRENCY=2.
 *
 * Figure: cache-hit req/s divided by `GET /test` req/s, median of `--rounds` rounds, p50/p99 beside. After the hit
 * rounds, one run of cold previews (a distinct URL per request: fetched from the fixture, parsed and stored) gives
 * cold previews/s against the same `GET /test`. Throughput counts 2xx answers only; anything else is a failure.
 *
 * Flags: --duration S (8) --warmup S (2) --connections N (50) --rounds N (3) --urls N (5000) --memcached N (2)
 *        --only memory,memcached,memcached-l1,cluster --json FILE --cpu-prof DIR
 */
import autocannon from 'autocannon';
import { memcachedStats, startMemcached, type MemcachedProcess } from '../test/support/memcached.js';
import { numberFlag, readFlags } from './support/args.js';
import { largestPages } from './support/corpus.js';
import { FixtureUpstream } from './support/fixture.js';
import { BENCH_AUTH, DEPLOYMENT_ENV, DEPLOYMENT_NOTE } from './support/deployment.js';
import { keepAliveAgent, timedGet } from './support/http-client.js';
import { startService, withCleanup, type ServiceProcess } from './support/service.js';
import { writeSummary } from './support/summary.js';
import { fixed, median, printTable } from './support/table.js';

const USAGE =
  'tsx bench/http.ts [--duration 8] [--warmup 2] [--connections 50] [--rounds 3] [--urls 5000] [--memcached 2] ' +
  '[--only memory,memcached,memcached-l1,cluster] [--json FILE] [--cpu-prof DIR]';
const flags = readFlags(
  ['duration', 'warmup', 'connections', 'rounds', 'urls', 'memcached', 'only', 'json', 'cpu-prof'],
  USAGE,
);
const only = new Set((flags.only ?? 'memory,memcached,memcached-l1,cluster').split(',').map((name) => name.trim()));
const nodeArgs = flags['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`];
const durationSeconds = numberFlag(flags, 'duration', 8);
const warmupSeconds = numberFlag(flags, 'warmup', 2);
const connections = numberFlag(flags, 'connections', 50);
const rounds = numberFlag(flags, 'rounds', 3);
const urlCount = numberFlag(flags, 'urls', 5000);
const memcachedCount = numberFlag(flags, 'memcached', 2);

/** Pages the warm set cycles through (different sizes and shapes of real pages). */
const PAGE_KINDS = 12;

const TARGETS: Record<string, number> = { memory: 0.75, memcached: 0.5 };

interface Variant {
  key: 'memory' | 'memcached' | 'memcached-l1' | 'cluster';
  label: string;
  env: Record<string, string>;
  /** Ratio target, when the issue sets one. */
  target?: number;
}

interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

/** One autocannon run; `path` picks the request path for every request (random for the warm set). */
async function load(origin: string, path: () => string, seconds: number): Promise<LoadFigures> {
  const result = await autocannon({
    url: origin,
    connections,
    duration: seconds,
    headers: BENCH_AUTH,
    requests: [{ setupRequest: (request) => ({ ...request, path: path() }) }],
  });
  return {
    // Answers that served a preview: a shed request (503) is counted among the failures, not as throughput.
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

async function measure(origin: string, path: () => string): Promise<LoadFigures> {
  if (warmupSeconds > 0) await load(origin, path, warmupSeconds);
  return load(origin, path, durationSeconds);
}

/**
 * Previews every URL of `paths` once, `concurrency` at a time (on fresh connections with `fresh`); each must answer
 * 200. @returns how many answered other than `X-Cache: HIT`
 */
async function warm(
  service: ServiceProcess,
  paths: readonly string[],
  concurrency = 16,
  fresh = false,
): Promise<number> {
  const agent = keepAliveAgent(concurrency);
  let next = 0;
  let misses = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++];
      const answer = await timedGet(`${service.origin}${path}`, { agent, headers: BENCH_AUTH, close: fresh });
      if (answer.status !== 200) throw new Error(`${service.label}: warming ${path} answered ${answer.status}`);
      if (answer.headers['x-cache'] !== 'HIT') misses += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return misses;
}

/** Most passes over the warm set on fresh connections before the bench gives up on a warm cache. */
const MAX_WARM_PASSES = 40;

/**
 * Warms until one whole pass over the warm set, every request on a fresh connection, answers HIT every time, else the
 * bench would measure fetches. With WEB_CONCURRENCY=2 and the memory store each worker has its own cache and the
 * kernel picks the worker per connection, so a URL is warm on both only once each has answered it: every pass warms
 * what it misses, and the misses fall by about half a pass.
 * @returns the misses of each pass on fresh connections, the last one 0
 */
async function warmUntilHits(service: ServiceProcess, paths: readonly string[]): Promise<number[]> {
  await warm(service, paths);
  const misses: number[] = [];
  for (let pass = 0; pass < MAX_WARM_PASSES; pass++) {
    misses.push(await warm(service, paths, 16, true));
    if (misses.at(-1) === 0) return misses;
  }
  throw new Error(
    `${service.label}: the preview route still answers misses after ${MAX_WARM_PASSES} warm passes ` +
      `(misses per pass: ${misses.join(', ')})`,
  );
}

interface Row {
  variant: string;
  route: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  memcachedGets?: number;
  memcachedHits?: number;
}

const rowsOf = (label: string, route: string, runs: LoadFigures[], extra: Partial<Row> = {}): Row => ({
  variant: label,
  route,
  requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
  p50Ms: median(runs.map((run) => run.p50Ms)),
  p99Ms: median(runs.map((run) => run.p99Ms)),
  failures: runs.reduce((sum, run) => sum + run.failures, 0),
  ...extra,
});

await withCleanup(async (defer) => {
  const pages = largestPages(PAGE_KINDS * 2).slice(PAGE_KINDS);
  const fixture = await new FixtureUpstream((url) => {
    const match = /^\/page\/(\d+)$/.exec(url.pathname);
    return match === null ? undefined : { body: pages[Number(match[1]) % pages.length].html, contentType: 'text/html' };
  }).start();
  defer(() => fixture.stop());
  const memcacheds: MemcachedProcess[] = [];
  const needsMemcached = only.has('memcached') || only.has('memcached-l1');
  for (let i = 0; needsMemcached && i < memcachedCount; i++) {
    const server = await startMemcached();
    defer(() => server.stop());
    memcacheds.push(server);
  }
  const common = {
    ...fixture.serviceEnv(),
    PARSE_WORKERS: '1',
    ...DEPLOYMENT_ENV,
  };
  const memcachedEnv = { CACHE_STORE: 'memcached', MEMCACHED_SERVERS: memcacheds.map((m) => m.address).join(',') };
  const variants: Variant[] = (
    [
      { key: 'memory', label: 'memory', env: { ...common, CACHE_STORE: 'memory' }, target: TARGETS.memory },
      {
        key: 'memcached',
        label: `memcached x${memcachedCount}, L1 off`,
        env: { ...common, ...memcachedEnv, CACHE_L1_MAX_ITEMS: '0' },
        target: TARGETS.memcached,
      },
      { key: 'memcached-l1', label: `memcached x${memcachedCount}, L1 on`, env: { ...common, ...memcachedEnv } },
      {
        key: 'cluster',
        label: 'memory, WEB_CONCURRENCY=2',
        env: { ...common, CACHE_STORE: 'memory', WEB_CONCURRENCY: '2' },
      },
    ] satisfies Variant[]
  ).filter((variant) => only.has(variant.key));

  const paths = Array.from(
    { length: urlCount },
    (_, i) => `/v1/previews?url=${encodeURIComponent(fixture.url('/page/' + i))}`,
  );
  const pick = (): string => paths[Math.floor(Math.random() * paths.length)];
  process.stdout.write(
    `bench:http  ${urlCount} warm URLs over ${pages.length} corpus pages, auth on, rate limit on; ` +
      `${connections} connections, ${warmupSeconds} s warm-up + ${durationSeconds} s per route, ${rounds} round(s)\n`,
  );

  const rows: Row[] = [];
  const ratios: { label: string; value: number; target?: number }[] = [];
  const coldRatios: { label: string; value: number }[] = [];
  let coldCount = 0;
  // A new URL every request (a query the fixture ignores): each one is fetched, parsed and stored.
  const coldPath = (): string => {
    const page = fixture.url(`/page/${coldCount % PAGE_KINDS}?cold=${coldCount}`);
    coldCount += 1;
    return `/v1/previews?url=${encodeURIComponent(page)}`;
  };
  // One service at a time: an idle second service would still take memory and timers on a 2-core box.
  for (const variant of variants) {
    const service = await startService(variant.label, variant.env, { nodeArgs, timeoutMs: 30_000 });
    try {
      process.stdout.write(`  ${variant.label}: warming ${urlCount} URLs...\n`);
      const misses = await warmUntilHits(service, paths);
      process.stdout.write(`  ${variant.label}: warm; misses per pass on fresh connections: ${misses.join(', ')}\n`);
      const tests: LoadFigures[] = [];
      const hits: LoadFigures[] = [];
      let gets = 0;
      let getHits = 0;
      for (let round = 0; round < rounds; round++) {
        process.stdout.write(`  ${variant.label}: round ${round + 1} GET /test, then cache hits...\n`);
        tests.push(await measure(service.origin, () => '/test'));
        const before = await Promise.all(memcacheds.map((server) => memcachedStats(server.address)));
        hits.push(await measure(service.origin, pick));
        const after = await Promise.all(memcacheds.map((server) => memcachedStats(server.address)));
        if (variant.key.startsWith('memcached')) {
          gets += after.reduce((sum, stats, i) => sum + stats.cmd_get - before[i].cmd_get, 0);
          getHits += after.reduce((sum, stats, i) => sum + stats.get_hits - before[i].get_hits, 0);
        }
      }
      // Cold previews last: the URLs they add to the store must not push warm-set entries out before a hit round.
      process.stdout.write(`  ${variant.label}: cold previews, a distinct URL per request...\n`);
      const cold = await measure(service.origin, coldPath);
      rows.push(rowsOf(variant.label, 'GET /test', tests));
      const memcachedReads = variant.key.startsWith('memcached') ? { memcachedGets: gets, memcachedHits: getHits } : {};
      rows.push(rowsOf(variant.label, 'GET /v1/previews (hit, random of warm set)', hits, memcachedReads));
      rows.push(rowsOf(variant.label, 'GET /v1/previews (cold, a distinct URL per request)', [cold]));
      const perRound = hits.map((hit, i) => hit.requestsPerSecond / tests[i].requestsPerSecond);
      ratios.push({ label: variant.label, value: median(perRound), target: variant.target });
      const testRate = median(tests.map((test) => test.requestsPerSecond));
      coldRatios.push({ label: variant.label, value: cold.requestsPerSecond / testRate });
      process.stdout.write(
        `  ${variant.label}: GET /test ${fixed(median(tests.map((t) => t.requestsPerSecond)), 0)} req/s, hits ` +
          `${fixed(median(hits.map((h) => h.requestsPerSecond)), 0)} req/s, ratio ${fixed(median(perRound), 2)}; ` +
          `cold ${fixed(cold.requestsPerSecond, 0)} previews/s (${cold.failures} not 2xx)\n`,
      );
    } finally {
      await service.stop();
    }
  }

  printTable(
    `Throughput, median of ${rounds} round(s) (latency ms; memcached gets/hits: memcached's own stats over the hit runs)`,
    ['service', 'route', 'req/s', 'p50', 'p99', 'failures', 'memcached gets', 'memcached hits'],
    rows.map((row) => [
      row.variant,
      row.route,
      fixed(row.requestsPerSecond, 0),
      fixed(row.p50Ms, 0),
      fixed(row.p99Ms, 0),
      row.failures,
      row.memcachedGets ?? '-',
      row.memcachedHits ?? '-',
    ]),
  );
  printTable(
    'Cache-hit previews / GET /test (median of the per-round ratios)',
    ['service', 'ratio', 'target', 'result'],
    ratios.map((ratio) => {
      if (ratio.target === undefined) return [ratio.label, fixed(ratio.value, 2), '-', '-'];
      return [ratio.label, fixed(ratio.value, 2), `>= ${ratio.target}`, ratio.value >= ratio.target ? 'met' : 'MISSED'];
    }),
  );
  printTable(
    'Cold previews / GET /test (one run after the hit rounds, against the median GET /test)',
    ['service', 'ratio'],
    coldRatios.map((ratio) => [ratio.label, fixed(ratio.value, 3)]),
  );
  writeSummary(flags.json, {
    name: 'http',
    title: `Throughput, median of ${rounds} round(s)`,
    rows: rows.map((row) => ({
      service: row.variant,
      route: row.route,
      'req/s': Math.round(row.requestsPerSecond),
      'p50 ms': row.p50Ms,
      'p99 ms': row.p99Ms,
      failures: row.failures,
      'memcached gets': row.memcachedGets ?? null,
      'memcached hits': row.memcachedHits ?? null,
    })),
    ratios: [
      ...ratios.map((ratio) => ({ ...ratio, label: `cache-hit preview / GET /test, ${ratio.label}` })),
      ...coldRatios.map((ratio) => ({ ...ratio, label: `cold preview / GET /test, ${ratio.label}` })),
    ],
    notes: [
      `${urlCount} warm URLs, one picked at random per request; ${DEPLOYMENT_NOTE}`,
      `${connections} connections, ${warmupSeconds} s warm-up + ${durationSeconds} s per route, median of ${rounds} rounds`,
      'cold: a distinct URL per request (fetched from the loopback fixture, parsed, stored), one run after the hit rounds',
    ],
  });
});
