/**
 * `npm run bench:http`: req/s and latency of `GET /test` against a cache-hit `GET /v1/previews` on the built service,
 * for the memory and the memcached store, and for WEB_CONCURRENCY=2 against 1, all in one run so that the ratios
 * compare figures taken under the same machine noise.
 *
 * Flags: --duration S (10) --warmup S (2) --connections N (50) --rounds N (1) --page CORPUS_DIR_NAME (bbc)
 *        --memcached N (2 servers) --only memory,memcached,cluster (which services; all by default) --cpu-prof DIR (write a V8 CPU profile of each service into DIR; summarize it with
 *        `tsx bench/support/cpu-profile.ts FILE`)
 */
import { startMemcached } from '../test/support/memcached.js';
import { readFlags, numberFlag } from './support/args.js';
import { corpusPage } from './support/corpus.js';
import { FixtureUpstream } from './support/fixture.js';
import { timedGet } from './support/http-client.js';
import { measure, type LoadOptions, type LoadResult } from './support/load.js';
import { startService, withCleanup, type ServiceProcess } from './support/service.js';
import { fixed, median, printTable } from './support/table.js';

const USAGE =
  'tsx bench/http.ts [--duration 10] [--warmup 2] [--connections 50] [--rounds 1] [--page bbc] [--memcached 2]';
const flags = readFlags(
  ['duration', 'warmup', 'connections', 'rounds', 'page', 'memcached', 'only', 'cpu-prof'],
  USAGE,
);
const only = new Set((flags.only ?? 'memory,memcached,cluster').split(',').map((name) => name.trim()));
const nodeArgs = flags['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`];
const load: LoadOptions = {
  durationSeconds: numberFlag(flags, 'duration', 10),
  warmupSeconds: numberFlag(flags, 'warmup', 2),
  connections: numberFlag(flags, 'connections', 50),
};
const rounds = numberFlag(flags, 'rounds', 1);
const memcachedCount = numberFlag(flags, 'memcached', 2);
const page = corpusPage(flags.page ?? 'bbc');

const TARGETS = { memory: 0.85, memcached: 0.6 } as const;
/** Requests on fresh connections after warming: with WEB_CONCURRENCY=2 the kernel spreads them over both workers. */
const HIT_SAMPLE = 30;

interface Variant {
  key: 'memory' | 'memcached' | 'cluster';
  label: string;
  env: Record<string, string>;
}

/**
 * Fills the cache and checks that the preview route now answers from it: every one of HIT_SAMPLE requests on a new
 * connection must say `X-Cache: HIT`, else the bench would be measuring fetch and parse instead of the cache.
 */
async function warmCache(service: ServiceProcess, previewUrl: string): Promise<string> {
  const url = `${service.origin}/v1/previews?url=${encodeURIComponent(previewUrl)}`;
  const first = await timedGet(url, { close: true });
  if (first.status !== 200) throw new Error(`${service.label}: warm-up answered ${first.status}: ${first.body}`);
  // Each worker process has its own L1: keep asking on fresh connections until a full sample is served from cache.
  for (let attempt = 0; attempt < 10; attempt++) {
    const states = await sampleCacheStates(url);
    if (states.every((state) => state === 'HIT')) return url;
  }
  throw new Error(`${service.label}: the preview route does not answer X-Cache: HIT after warming`);
}

async function sampleCacheStates(url: string): Promise<string[]> {
  const states: string[] = [];
  for (let i = 0; i < HIT_SAMPLE; i++) {
    const response = await timedGet(url, { close: true });
    states.push(String(response.headers['x-cache']));
  }
  return states;
}

interface Measured {
  variant: string;
  route: 'test' | 'previews';
  results: LoadResult[];
  hitsAfter: number[];
}

function row(measured: Measured): (string | number)[] {
  const pick = (read: (result: LoadResult) => number): number => median(measured.results.map(read));
  return [
    measured.variant,
    `GET /${measured.route === 'test' ? 'test' : 'v1/previews (hit)'}`,
    fixed(
      pick((result) => result.requestsPerSecond),
      0,
    ),
    fixed(
      pick((result) => result.p50Ms),
      0,
    ),
    fixed(
      pick((result) => result.p99Ms),
      0,
    ),
    fixed(
      pick((result) => result.maxMs),
      0,
    ),
    measured.results.reduce((sum, result) => sum + result.failures, 0),
    measured.route === 'previews' ? `${Math.min(...measured.hitsAfter)}/${HIT_SAMPLE}` : '-',
  ];
}

const rps = (measured: Measured | undefined): number =>
  median(measured?.results.map((result) => result.requestsPerSecond) ?? []);

await withCleanup(async (defer) => {
  const fixture = await new FixtureUpstream((url) =>
    url.pathname === '/page' ? { body: page.html, contentType: 'text/html' } : undefined,
  ).start();
  defer(() => fixture.stop());
  const memcacheds = [];
  for (let i = 0; only.has('memcached') && i < memcachedCount; i++) {
    const server = await startMemcached();
    defer(() => server.stop());
    memcacheds.push(server);
  }
  const common = { ...fixture.serviceEnv(), PARSE_WORKERS: '1' };
  const allVariants: Variant[] = [
    { key: 'memory', label: 'memory', env: { ...common, CACHE_STORE: 'memory' } },
    {
      key: 'memcached',
      label: `memcached x${memcachedCount}`,
      env: {
        ...common,
        CACHE_STORE: 'memcached',
        MEMCACHED_SERVERS: memcacheds.map((server) => server.address).join(','),
      },
    },
    {
      key: 'cluster',
      label: 'memory, WEB_CONCURRENCY=2',
      env: { ...common, CACHE_STORE: 'memory', WEB_CONCURRENCY: '2' },
    },
  ];
  const variants = allVariants.filter((variant) => only.has(variant.key));
  const labelOf = (key: Variant['key']): string => allVariants.find((variant) => variant.key === key)?.label ?? key;
  const previewTarget = fixture.url('/page');
  const measured = new Map<string, Measured>();
  process.stdout.write(
    `bench:http  page ${page.name} (${page.html.length} B)  ${load.connections} connections, ` +
      `${load.warmupSeconds} s warm-up + ${load.durationSeconds} s per route, ${rounds} round(s), autocannon in-process\n`,
  );

  // One service at a time: an idle second service would still take memory and timers on a 2-core box.
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const service = await startService(variant.label, { ...variant.env }, { nodeArgs });
      try {
        const previewUrl = await warmCache(service, previewTarget);
        for (const [route, url] of [
          ['test', `${service.origin}/test`],
          ['previews', previewUrl],
        ] as const) {
          process.stdout.write(`  round ${round + 1}: ${variant.label} ${route}...\n`);
          const key = `${variant.label}|${route}`;
          const entry = measured.get(key) ?? { variant: variant.label, route, results: [], hitsAfter: [] };
          entry.results.push(await measure(url, load));
          if (route === 'previews') {
            entry.hitsAfter.push((await sampleCacheStates(url)).filter((state) => state === 'HIT').length);
          }
          measured.set(key, entry);
        }
      } finally {
        await service.stop();
      }
    }
  }

  printTable(
    `Throughput (median of ${rounds} round(s); latency in ms; "hits" = X-Cache: HIT in a sample after the run)`,
    ['service', 'route', 'req/s', 'p50', 'p99', 'max', 'failures', 'hits'],
    [...measured.values()].map(row),
  );

  const ratioRows = (['memory', 'memcached'] as const)
    .filter((key) => only.has(key))
    .map((key) => {
      const label = labelOf(key);
      const ratio = rps(measured.get(`${label}|previews`)) / rps(measured.get(`${label}|test`));
      return [label, fixed(ratio, 2), `>= ${TARGETS[key]}`, ratio >= TARGETS[key] ? 'met' : 'MISSED'];
    });
  printTable('Cache-hit previews / test', ['store', 'ratio', 'target', 'result'], ratioRows);

  if (!only.has('memory') || !only.has('cluster')) return;
  const single = rps(measured.get(`${labelOf('memory')}|previews`));
  const clustered = rps(measured.get(`${labelOf('cluster')}|previews`));
  printTable(
    'Cache-hit GET /v1/previews, memory store: WEB_CONCURRENCY=2 against 1',
    ['WEB_CONCURRENCY', 'req/s', 'x of 1 process'],
    [
      ['1', fixed(single, 0), '1.00'],
      ['2', fixed(clustered, 0), fixed(clustered / single, 2)],
    ],
  );
});
