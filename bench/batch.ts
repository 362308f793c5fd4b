/**
 * `npm run bench:batch`: wall time of `POST /v1/previews/batch` with 50 distinct, cold URLs on a fixture that answers
 * each after 200 ms, in JSON and NDJSON mode, against the ideal ceil(50 / BATCH_CONCURRENCY) x 200 ms; and the peak
 * of concurrent requests the fixture saw (should equal BATCH_CONCURRENCY).
 *
 * Flags: --urls N (50) --delay MS (200) --concurrency N (8, BATCH_CONCURRENCY) --per-host N (8,
 *        FETCH_PER_HOST_CONCURRENCY: at the default of 4 per origin the fetcher, not the batch, would be the bound)
 *        --runs N (3 per mode) --json FILE (also write the summary as JSON, for `npm run bench`)
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { numberFlag, readFlags } from './support/args.js';
import { BENCH_AUTH, DEPLOYMENT_ENV, DEPLOYMENT_NOTE } from './support/deployment.js';
import { FixtureUpstream } from './support/fixture.js';
import { startService, withCleanup, type ServiceProcess } from './support/service.js';
import { writeSummary } from './support/summary.js';
import { fixed, median, printTable } from './support/table.js';

const USAGE = 'tsx bench/batch.ts [--urls 50] [--delay 200] [--concurrency 8] [--per-host 8] [--runs 3] [--json FILE]';
const flags = readFlags(['urls', 'delay', 'concurrency', 'per-host', 'runs', 'json'], USAGE);
const urlCount = numberFlag(flags, 'urls', 50);
const delayMs = numberFlag(flags, 'delay', 200);
const concurrency = numberFlag(flags, 'concurrency', 8);
const perHost = numberFlag(flags, 'per-host', 8);
const runs = numberFlag(flags, 'runs', 3);
const idealMs = Math.ceil(urlCount / concurrency) * delayMs;
const TARGET_FACTOR = 1.2;
/** Longest wait for one batch: far above the ideal, so only a hung service trips it. */
const BATCH_TIMEOUT_MS = Math.max(30_000, idealMs * 10);

/** A small but real page per path, so each preview does the whole pipeline (fetch, parse, map) quickly. */
function itemPage(path: string): string {
  return `<!doctype html><html lang="en"><head><title>Item ${path}</title>
<meta property="og:title" content="Item ${path}"><meta name="description" content="Fixture item ${path}">
</head><body><p>${path}</p></body></html>`;
}

interface BatchRun {
  mode: 'json' | 'ndjson';
  wallMs: number;
  /** NDJSON: when the first line arrived; JSON: when the body arrived (it comes at once). */
  firstMs: number;
  ok: number;
  items: number;
  peakConcurrency: number;
  fixtureRequests: number;
}

async function postBatch(service: ServiceProcess, urls: string[], mode: 'json' | 'ndjson'): Promise<BatchRun> {
  const started = performance.now();
  const response = await fetch(`${service.origin}/v1/previews/batch`, {
    method: 'POST',
    headers: {
      ...BENCH_AUTH,
      'content-type': 'application/json',
      accept: mode === 'ndjson' ? 'application/x-ndjson' : 'application/json',
    },
    body: JSON.stringify({ urls }),
    signal: AbortSignal.timeout(BATCH_TIMEOUT_MS),
  });
  if (response.status !== 200 || response.body === null) {
    throw new Error(`batch answered ${response.status}: ${await response.text()}`);
  }
  let text = '';
  let firstMs = Number.NaN;
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    if (Number.isNaN(firstMs)) firstMs = performance.now() - started;
    text += decoder.decode(chunk as Uint8Array, { stream: true });
  }
  const wallMs = performance.now() - started;
  const items: { ok: boolean }[] =
    mode === 'ndjson'
      ? text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as { ok: boolean })
      : (JSON.parse(text) as { results: { ok: boolean }[] }).results;
  return {
    mode,
    wallMs,
    firstMs,
    ok: items.filter((item) => item.ok).length,
    items: items.length,
    peakConcurrency: 0,
    fixtureRequests: 0,
  };
}

await withCleanup(async (defer) => {
  const fixture = await new FixtureUpstream((url) =>
    url.pathname.startsWith('/item/') ? { body: itemPage(url.pathname), delayMs } : undefined,
  ).start();
  defer(() => fixture.stop());
  const service = await startService('batch', {
    ...fixture.serviceEnv(),
    ...DEPLOYMENT_ENV,
    CACHE_STORE: 'memory',
    BATCH_CONCURRENCY: String(concurrency),
    FETCH_PER_HOST_CONCURRENCY: String(perHost),
    BATCH_MAX_URLS: String(Math.max(50, urlCount)),
  });
  defer(() => service.stop());

  // Every batch gets its own run id in the query, so every URL is a cache miss and a real upstream fetch.
  const batchUrls = (count: number): string[] => {
    const run = randomUUID();
    return Array.from({ length: count }, (_, index) => fixture.url(`/item/${index}?run=${run}`));
  };
  // One small batch first: the first requests of a fresh process pay for JIT and lazy module loading.
  await postBatch(service, batchUrls(concurrency), 'json');

  const results: BatchRun[] = [];
  for (let run = 0; run < runs; run++) {
    // Alternate the modes so that drift in machine load hits both alike.
    for (const mode of ['json', 'ndjson'] as const) {
      fixture.resetCounters();
      const result = await postBatch(service, batchUrls(urlCount), mode);
      const counters = fixture.snapshot();
      results.push({ ...result, peakConcurrency: counters.peakConcurrency, fixtureRequests: counters.requests });
    }
  }

  const setup =
    `${urlCount} cold URLs, upstream delay ${delayMs} ms, BATCH_CONCURRENCY=${concurrency}, ` +
    `FETCH_PER_HOST_CONCURRENCY=${perHost}, ideal ceil(${urlCount}/${concurrency}) x ${delayMs} = ${idealMs} ms; ${DEPLOYMENT_NOTE}`;
  process.stdout.write(`bench:batch  ${setup}\n`);
  printTable(
    'Each run (ms)',
    ['mode', 'run', 'wall', 'x ideal', 'first byte', 'ok/items', 'fixture reqs', 'peak concurrent'],
    results.map((result, index) => [
      result.mode,
      Math.floor(index / 2) + 1,
      fixed(result.wallMs, 0),
      fixed(result.wallMs / idealMs, 2),
      fixed(result.firstMs, 0),
      `${result.ok}/${result.items}`,
      result.fixtureRequests,
      result.peakConcurrency,
    ]),
  );
  const summary = (['json', 'ndjson'] as const).map((mode) => {
    const own = results.filter((result) => result.mode === mode);
    const wall = median(own.map((result) => result.wallMs));
    const complete = own.every((result) => result.ok === urlCount && result.items === urlCount);
    return {
      mode,
      'median wall ms': Math.round(wall),
      'worst wall ms': Math.round(Math.max(...own.map((result) => result.wallMs))),
      'median first byte ms': Math.round(median(own.map((result) => result.firstMs))),
      'x ideal': Number((wall / idealMs).toFixed(2)),
      'peak concurrent': Math.max(...own.map((result) => result.peakConcurrency)),
      result: complete && wall <= idealMs * TARGET_FACTOR ? 'met' : 'MISSED',
    };
  });
  const title = `Summary (median of ${runs}; target wall <= ${TARGET_FACTOR} x ${idealMs} = ${fixed(idealMs * TARGET_FACTOR, 0)} ms)`;
  printTable(
    title,
    Object.keys(summary[0]),
    summary.map((row) => Object.values(row)),
  );
  writeSummary(flags.json, {
    name: 'bench:batch',
    title,
    rows: summary,
    ratios: summary.map((row) => ({
      label: `batch ${row.mode === 'json' ? 'JSON' : 'NDJSON'}: wall / ideal`,
      value: row['x ideal'],
      target: TARGET_FACTOR,
      better: 'lower' as const,
    })),
    notes: [
      setup,
      'Each batch uses URLs no earlier batch used, so every preview is a cold fetch; JSON and NDJSON runs alternate.',
      'peak concurrent is the most requests the fixture upstream had open at once (BATCH_CONCURRENCY bounds it).',
    ],
  });
});
