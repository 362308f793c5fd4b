/**
 * `npm run bench:soak`: the memory of one service process under a long run of cold previews.
 *
 * The built service (`node dist/main.js`, one process) runs as deployments do: authentication on (one client key),
 * the rate limit on but high, the memory store at its defaults (CACHE_MEMORY_MAX_ITEMS, CACHE_MEMORY_MAX_MB). A
 * loopback fixture serves generated pages, each path a distinct page (about 30 KB, full metadata), so every request
 * is a miss: fetch, parse, extract, store. `--previews` requests (20,000) at `--concurrency` (32); the RSS of the
 * service process is read from /proc every `--sample` seconds (5). Runs:
 * - `defaults`: Node's own heap sizing;
 * - `heap cap 512 MB`: `--max-old-space-size=512`, target peak RSS <= 600 MB and a flat second half;
 * - `entry-size attack`: the same cap, `--attack` pages (500) that each declare 50,000 og:image tags: the service
 *   must stay alive (every request answered) with its memory bounded.
 * Figures per run: previews/s, failures, RSS at start, peak, end, and the slope of RSS over the second half of the
 * samples (least squares, MB/min).
 *
 * Flags: --previews N (20000) --concurrency N (32) --sample S (5) --attack N (500) --only defaults,capped,attack
 *        --json FILE
 */
import { readFileSync } from 'node:fs';
import { numberFlag, readFlags } from './support/args.js';
import { FixtureUpstream } from './support/fixture.js';
import { BENCH_AUTH, DEPLOYMENT_ENV, DEPLOYMENT_NOTE } from './support/deployment.js';
import { keepAliveAgent, timedGet } from './support/http-client.js';
import { startService, withCleanup, type ServiceProcess } from './support/service.js';
import { writeSummary } from './support/summary.js';
import { fixed, printTable } from './support/table.js';

const USAGE =
  'tsx bench/soak.ts [--previews 20000] [--concurrency 32] [--sample 5] [--attack 500] ' +
  '[--only defaults,capped,attack] [--json FILE]';
const flags = readFlags(['previews', 'concurrency', 'sample', 'attack', 'only', 'json'], USAGE);
const previewCount = numberFlag(flags, 'previews', 20_000);
const concurrency = numberFlag(flags, 'concurrency', 32);
const sampleSeconds = numberFlag(flags, 'sample', 5);
const attackCount = numberFlag(flags, 'attack', 500);
const only = new Set((flags.only ?? 'defaults,capped,attack').split(',').map((name) => name.trim()));

const HEAP_CAP = '--max-old-space-size=512';
/** The target for the capped run. */
const PEAK_TARGET_MB = 600;
const ATTACK_IMAGES = 50_000;

/** A distinct, complete page per number: metadata in the head and about 30 KB of text in the body. */
function generatedPage(n: number): string {
  const paragraph = `<p>Paragraph of article ${n}: ${'lorem ipsum dolor sit amet '.repeat(20)}</p>\n`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Article ${n} | Soak News</title>
<meta property="og:title" content="Article ${n}">
<meta property="og:description" content="What happened in story ${n}, told at length for the soak benchmark.">
<meta property="og:type" content="article"><meta property="og:site_name" content="Soak News">
<meta property="og:image" content="/images/${n}.jpg"><meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630"><meta name="author" content="Writer ${n % 97}">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="/articles/${n}"><link rel="icon" href="/favicon-${n % 13}.png" type="image/png">
</head><body><h1>Article ${n}</h1>
${paragraph.repeat(50)}</body></html>`;
}

/** A page that declares 50,000 og:image tags (about 3.4 MB): the preview must stay small all the same. */
function attackPage(n: number): string {
  const tags = Array.from(
    { length: ATTACK_IMAGES },
    (_, i) => `<meta property="og:image" content="https://img.example/${n}/${i}.jpg">`,
  ).join('\n');
  return `<!doctype html><html><head><title>Attack ${n}</title>\n${tags}\n</head><body></body></html>`;
}

/** RSS of a process in MB, from /proc (Linux); `undefined` once the process is gone. */
function rssMb(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match === null ? undefined : Number(match[1]) / 1024;
}

/** Least-squares slope of `samples` (time s, value MB), in MB per minute. */
function slopePerMinute(samples: readonly { t: number; mb: number }[]): number {
  if (samples.length < 2) return Number.NaN;
  const n = samples.length;
  const meanT = samples.reduce((sum, s) => sum + s.t, 0) / n;
  const meanMb = samples.reduce((sum, s) => sum + s.mb, 0) / n;
  const covariance = samples.reduce((sum, s) => sum + (s.t - meanT) * (s.mb - meanMb), 0);
  const variance = samples.reduce((sum, s) => sum + (s.t - meanT) ** 2, 0);
  return (covariance / variance) * 60;
}

interface Row {
  run: string;
  previews: number;
  seconds: number;
  previewsPerSecond: number;
  failures: number;
  /** Answers by status, e.g. `200:995 502:5` (`error`: no answer). */
  outcomes: string;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  secondHalfSlopeMbPerMin: number;
  alive: boolean;
}

/** Requests every path once, `concurrency` at a time, sampling the service's RSS meanwhile. */
async function soak(label: string, service: ServiceProcess, paths: readonly string[]): Promise<Row> {
  const agent = keepAliveAgent(concurrency);
  const started = Date.now();
  let next = 0;
  let done = 0;
  const statuses = new Map<string, number>();
  const samples: { t: number; mb: number }[] = [];
  const sample = (): void => {
    const mb = rssMb(service.pid);
    if (mb !== undefined) samples.push({ t: (Date.now() - started) / 1000, mb });
  };
  sample();
  const sampler = setInterval(() => {
    sample();
    const rss = samples.at(-1)?.mb ?? Number.NaN;
    process.stdout.write(`  ${label}: ${done} of ${paths.length} done, RSS ${fixed(rss, 0)} MB\n`);
  }, sampleSeconds * 1000);
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++];
      const status = await timedGet(`${service.origin}${path}`, { agent, headers: BENCH_AUTH, timeoutMs: 60_000 }).then(
        (answer) => String(answer.status),
        () => 'error',
      );
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      done += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  const seconds = (Date.now() - started) / 1000;
  const alive = (await timedGet(`${service.origin}/test`, { close: true }).catch(() => undefined))?.status === 200;
  sample();
  if (!alive)
    process.stdout.write(`  ${label}: the service is gone; its last words:\n${service.stderr().slice(-3000)}\n`);
  return {
    run: label,
    previews: paths.length,
    seconds,
    previewsPerSecond: paths.length / seconds,
    failures: paths.length - (statuses.get('200') ?? 0),
    outcomes: [...statuses]
      .sort(([a], [b]) => a.localeCompare(b, 'en'))
      .map(([status, count]) => `${status}:${count}`)
      .join(' '),
    rssStartMb: samples.at(0)?.mb ?? Number.NaN,
    rssPeakMb: Math.max(...samples.map((point) => point.mb)),
    rssEndMb: samples.at(-1)?.mb ?? Number.NaN,
    secondHalfSlopeMbPerMin: slopePerMinute(samples.slice(Math.floor(samples.length / 2))),
    alive,
  };
}

await withCleanup(async (defer) => {
  const fixture = await new FixtureUpstream((url) => {
    const page = /^\/(soak|attack)\/(\d+)$/.exec(url.pathname);
    if (page === null) return undefined;
    const n = Number(page[2]);
    return { body: page[1] === 'soak' ? generatedPage(n) : attackPage(n), contentType: 'text/html; charset=utf-8' };
  }).start();
  defer(() => fixture.stop());
  const env = {
    ...fixture.serviceEnv(),
    ...DEPLOYMENT_ENV,
    CACHE_STORE: 'memory',
  };
  const pathsOf = (kind: string, count: number, run: string) =>
    Array.from({ length: count }, (_, i) => {
      const target = fixture.url(`/${kind}/${i}?${run}`);
      return `/v1/previews?url=${encodeURIComponent(target)}`;
    });
  const runs = [
    { key: 'defaults', label: 'defaults', nodeArgs: [], paths: pathsOf('soak', previewCount, 'defaults') },
    { key: 'capped', label: 'heap cap 512 MB', nodeArgs: [HEAP_CAP], paths: pathsOf('soak', previewCount, 'capped') },
    {
      key: 'attack',
      label: `entry-size attack (${ATTACK_IMAGES} og:image), heap cap 512 MB`,
      nodeArgs: [HEAP_CAP],
      paths: pathsOf('attack', attackCount, 'attack'),
    },
  ].filter((run) => only.has(run.key));
  process.stdout.write(
    `bench:soak  ${previewCount} cold previews of distinct generated pages (attack: ${attackCount}), ` +
      `concurrency ${concurrency}, RSS every ${sampleSeconds} s; memory store at its defaults, auth on\n`,
  );

  const rows: Row[] = [];
  // One service at a time, each fresh: its RSS is the run's alone.
  for (const run of runs) {
    const service = await startService(run.label, env, { nodeArgs: run.nodeArgs, timeoutMs: 30_000 });
    try {
      rows.push(await soak(run.label, service, run.paths));
    } finally {
      await service.stop();
    }
  }

  printTable(
    `RSS of the service process (MB), sampled every ${sampleSeconds} s; slope over the second half of the samples`,
    ['run', 'previews', 's', 'previews/s', 'answers', 'start', 'peak', 'end', 'slope MB/min', 'alive'],
    rows.map((row) => [
      row.run,
      row.previews,
      fixed(row.seconds, 0),
      fixed(row.previewsPerSecond, 0),
      row.outcomes,
      fixed(row.rssStartMb, 0),
      fixed(row.rssPeakMb, 0),
      fixed(row.rssEndMb, 0),
      fixed(row.secondHalfSlopeMbPerMin, 1),
      row.alive ? 'yes' : 'NO',
    ]),
  );
  const capped = rows.filter((row) => row.run !== 'defaults');
  writeSummary(flags.json, {
    name: 'soak',
    title: 'RSS under cold previews (MB)',
    rows: rows.map((row) => ({ ...row })),
    ratios: capped.map((row) => ({
      label: `peak RSS / ${PEAK_TARGET_MB} MB, ${row.run}`,
      value: row.rssPeakMb / PEAK_TARGET_MB,
      target: 1,
      better: 'lower' as const,
    })),
    notes: [
      `${previewCount} cold previews of distinct generated pages (~30 KB) at concurrency ${concurrency}; ` +
        `attack: ${attackCount} pages of ${ATTACK_IMAGES} og:image tags`,
      `memory store at its defaults; ${DEPLOYMENT_NOTE}; one process`,
      `RSS from /proc every ${sampleSeconds} s; capped runs with ${HEAP_CAP}; target peak <= ${PEAK_TARGET_MB} MB`,
    ],
  });
});
