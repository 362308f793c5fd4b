/**
 * `npm run bench:flood`: a flood of cold previews of 5 MB pages, at concurrency 16, 64 and 300, against the built
 * service with its defaults (parse pool, queue and byte budget, per-origin bounds), authentication on (one client key)
 * and a rate limit too high to refuse anything. What a user of the service sees under it:
 * - the outcome of every preview, by status (a shed request must be a 503 with `Retry-After`, nothing else);
 * - the service's peak RSS (the kernel's high-water mark, VmHWM, of a service started fresh for each level; the
 *   peak of 100 ms samples of VmRSS beside it);
 * - `GET /test` latency measured alongside: one probe every `--interval` ms on its own connection.
 *
 * Pages come from `--origins` loopback origins (one port each), so that the per-origin bounds (4 connections, 10
 * fetches a second) spread the flood over the origins instead of holding it at the fetcher: the parse pool and
 * memory are what is measured. Each client loop previews a unique URL (a fresh `u` query, a guaranteed cache miss)
 * as soon as its last one finished; after a 503 with `Retry-After` it waits that long first, as a well-behaved client.
 *
 * Targets: RSS peak <= 1 GB, every shed request a 503 with Retry-After, `/test` p99 <= 100 ms.
 *
 * Flags: --duration S (20 per level) --levels 16,64,300 --origins N (32) --size BYTES (5000000) --interval MS (20)
 *        --json FILE (also write the summary as JSON, for `npm run bench`) --cpu-prof DIR (profile the service)
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { numberFlag, readFlags } from './support/args.js';
import { BENCH_AUTH, DEPLOYMENT_ENV, DEPLOYMENT_NOTE } from './support/deployment.js';
import { keepAliveAgent, timedGet, type TimedResponse } from './support/http-client.js';
import { probeLatencies } from './support/probe.js';
import { startService, withCleanup, type ServiceProcess } from './support/service.js';
import { writeSummary, type BenchRatio } from './support/summary.js';
import { fixed, printTable, quantile } from './support/table.js';

const USAGE =
  'tsx bench/flood.ts [--duration 20] [--levels 16,64,300] [--origins 32] [--size 5000000] [--interval 20] ' +
  '[--json FILE] [--cpu-prof DIR]';
const flags = readFlags(['duration', 'levels', 'origins', 'size', 'interval', 'json', 'cpu-prof'], USAGE);
const nodeArgs = flags['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`];
const durationMs = numberFlag(flags, 'duration', 20) * 1000;
const originCount = numberFlag(flags, 'origins', 32);
const pageBytes = numberFlag(flags, 'size', 5_000_000);
const intervalMs = numberFlag(flags, 'interval', 20);
const levels = (flags.levels ?? '16,64,300').split(',').map((level) => {
  const value = Number(level.trim());
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--levels: ${JSON.stringify(level)} is not a count`);
  return value;
});

/** A preview still unanswered this long after it was sent is counted as a transport failure (status 0). */
const REQUEST_TIMEOUT_MS = 60_000;
const TARGET_RSS_MB = 1024;
const TARGET_PROBE_P99_MS = 100;

/**
 * A page of `bytes` bytes: real metadata in the head, then paragraphs of text with a few characters outside Latin-1
 * (curly quotes, as most real pages have), so that the decoded page is a two-byte string as it is on the web.
 */
function bigPage(bytes: number): Buffer {
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A very long page | Flood</title>' +
    '<meta property="og:title" content="A very long page"><meta property="og:description" content="Five megabytes.">' +
    '<meta property="og:image" content="/cover.jpg"><link rel="icon" href="/favicon.ico"></head><body>';
  const paragraph = '<p>It’s a long page: the service must read, decode and parse all of it, or shed it early.</p>\n';
  const tail = '</body></html>';
  const repeat = Math.max(0, Math.floor((bytes - Buffer.byteLength(head + tail)) / Buffer.byteLength(paragraph)));
  const page = Buffer.from(head + paragraph.repeat(repeat) + tail);
  return Buffer.concat([page, Buffer.alloc(Math.max(0, bytes - page.length), ' ')]);
}

/** `originCount` loopback servers (one origin each) that answer every path with the same page. */
async function startOrigins(page: Buffer): Promise<{ servers: Server[]; ports: number[] }> {
  const servers = Array.from({ length: originCount }, () => {
    const server = createServer((req, res) => {
      if (!req.url?.startsWith('/p/')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length }).end(page);
    });
    server.keepAliveTimeout = 60_000;
    return server;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  return { servers, ports: servers.map((server) => (server.address() as AddressInfo).port) };
}

/** The kernel's record of a process: VmRSS (now) and VmHWM (its peak since start), in MB. */
function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

interface Outcomes {
  /** Answers per status (0: no answer, a transport error or the client's timeout). */
  byStatus: Map<number, number>;
  /** 503 answers without a Retry-After header: the target is none. */
  shedWithoutRetryAfter: number;
  /** The `code` of every non-200 problem answer, counted. */
  codes: Map<string, number>;
}

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function problemCode(response: TimedResponse): string {
  try {
    const body = JSON.parse(response.body) as { code?: unknown; cause?: unknown; reachedUpstream?: unknown };
    const cause = typeof body.cause === 'string' ? `/${body.cause}` : '';
    // Shed before any request for it was sent (so before any byte of it was downloaded).
    const unsent = body.reachedUpstream === false ? ' (unsent)' : '';
    return `${String(body.code)}${cause}${unsent}`;
  } catch {
    return `(not problem+json: ${response.status})`;
  }
}

/** `concurrency` client loops of cold previews until `until`; every answer is counted, also late ones. */
async function flood(service: ServiceProcess, ports: readonly number[], concurrency: number, until: number) {
  const agent = keepAliveAgent(concurrency);
  const outcomes: Outcomes = { byStatus: new Map(), shedWithoutRetryAfter: 0, codes: new Map() };
  let next = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const port = ports[next++ % ports.length];
      const target = `http://127.0.0.1:${port}/p/${randomUUID()}`;
      const url = `${service.origin}/v1/previews?url=${encodeURIComponent(target)}`;
      let response: TimedResponse | undefined;
      try {
        response = await timedGet(url, { agent, headers: BENCH_AUTH, timeoutMs: REQUEST_TIMEOUT_MS });
      } catch {
        response = undefined;
      }
      const status = response?.status ?? 0;
      count(outcomes.byStatus, status);
      if (response === undefined || status === 200) continue;
      count(outcomes.codes, problemCode(response));
      const retryAfter = Number(response.headers['retry-after'] ?? Number.NaN);
      const hasRetryAfter = Number.isInteger(retryAfter) && retryAfter >= 0;
      if (status === 503 && !hasRetryAfter) outcomes.shedWithoutRetryAfter += 1;
      if (status === 503 && retryAfter > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter * 1000, until - performance.now())));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, loop));
  } finally {
    agent.destroy();
  }
  return outcomes;
}

interface LevelResult {
  concurrency: number;
  outcomes: Outcomes;
  probes: number[];
  hwmMb: number;
  sampledPeakMb: number;
  startMb: number;
}

async function runLevel(concurrency: number, ports: readonly number[]): Promise<LevelResult> {
  const allowed = ports.map((port) => `127.0.0.1:${port}`).join(',');
  const service = await startService(
    `flood x${concurrency}`,
    {
      FETCH_ALLOW_PRIVATE: allowed,
      FETCH_ALLOWED_PORTS: ports.join(','),
      CACHE_STORE: 'memory',
      ...DEPLOYMENT_ENV,
    },
    { nodeArgs },
  );
  try {
    const startMb = memoryOf(service.pid).rssMb;
    let sampledPeakMb = startMb;
    const sampler = setInterval(() => {
      sampledPeakMb = Math.max(sampledPeakMb, memoryOf(service.pid).rssMb);
    }, 100);
    const until = performance.now() + durationMs;
    const probes = probeLatencies(`${service.origin}/test`, { intervalMs, until, timeoutMs: REQUEST_TIMEOUT_MS });
    const [latencies, outcomes] = await Promise.all([probes, flood(service, ports, concurrency, until)]);
    clearInterval(sampler);
    const { hwmMb } = memoryOf(service.pid);
    return { concurrency, outcomes, probes: latencies, hwmMb, sampledPeakMb, startMb };
  } finally {
    await service.stop();
  }
}

function describeCounts(map: Map<string | number, number>): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .map(([key, value]) => `${key} x${value}`)
    .join(', ');
}

await withCleanup(async (defer) => {
  const page = bigPage(pageBytes);
  const { servers, ports } = await startOrigins(page);
  defer(async () => {
    await Promise.all(
      servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  });
  const setup =
    `cold previews of ${(page.length / 1e6).toFixed(1)} MB pages from ${originCount} loopback origins, ` +
    `${durationMs / 1000} s per level, ${DEPLOYMENT_NOTE}, service defaults otherwise`;
  process.stdout.write(`bench:flood  ${setup}\n`);
  const results: LevelResult[] = [];
  for (const level of levels) {
    process.stdout.write(`  concurrency ${level}...\n`);
    results.push(await runLevel(level, ports));
  }

  const rows = results.map((result) => {
    const { byStatus, shedWithoutRetryAfter, codes } = result.outcomes;
    const total = [...byStatus.values()].reduce((sum, value) => sum + value, 0);
    return {
      concurrency: result.concurrency,
      answers: total,
      '200 OK': byStatus.get(200) ?? 0,
      '503 shed': byStatus.get(503) ?? 0,
      '503 without Retry-After': shedWithoutRetryAfter,
      other: total - (byStatus.get(200) ?? 0) - (byStatus.get(503) ?? 0),
      codes: describeCounts(codes) || '-',
      'RSS start MB': Math.round(result.startMb),
      'RSS peak MB': Math.round(result.hwmMb),
      'RSS sampled peak MB': Math.round(result.sampledPeakMb),
      'GET /test p50 ms': Number(fixed(quantile(result.probes, 0.5))),
      'GET /test p99 ms': Number(fixed(quantile(result.probes, 0.99))),
      'GET /test max ms': Number(fixed(Math.max(...result.probes))),
    };
  });
  const title = 'Flood of cold 5 MB pages: outcomes, service RSS and GET /test latency per concurrency';
  printTable(
    title,
    Object.keys(rows[0]),
    rows.map((row) => Object.values(row)),
  );
  const worst = (pick: (result: LevelResult) => number): number => Math.max(...results.map(pick));
  const ratios: BenchRatio[] = [
    {
      label: 'flood: peak RSS (MB), worst level',
      value: Math.round(worst((result) => result.hwmMb)),
      target: TARGET_RSS_MB,
      better: 'lower',
    },
    {
      label: 'flood: GET /test p99 (ms), worst level',
      value: Number(fixed(worst((result) => quantile(result.probes, 0.99)))),
      target: TARGET_PROBE_P99_MS,
      better: 'lower',
    },
    {
      label: 'flood: 503 answers without Retry-After',
      value: results.reduce((sum, result) => sum + result.outcomes.shedWithoutRetryAfter, 0),
      target: 0,
      better: 'lower',
    },
  ];
  printTable(
    'Targets',
    ['figure', 'value', 'target', 'result'],
    ratios.map((ratio) => [
      ratio.label,
      ratio.value,
      `<= ${String(ratio.target)}`,
      ratio.value <= (ratio.target ?? 0) ? 'met' : 'MISSED',
    ]),
  );
  writeSummary(flags.json, {
    name: 'bench:flood',
    title,
    rows,
    ratios,
    notes: [
      setup,
      'RSS peak: VmHWM of the service process (a fresh service per level); sampled peak: VmRSS every 100 ms.',
      `GET /test: one probe every ${intervalMs} ms on its own connection, alongside the flood.`,
      'client loops: the next preview as soon as the last answered; after a 503 with Retry-After, that long later.',
    ],
  });
});
