/**
 * `npm run bench`: builds the service, runs every bench one after the other (their own progress and tables on the
 * terminal), collects the JSON summary each writes with `--json FILE`, and writes `bench/results/<date>.md` (machine,
 * chart, every table), `<date>.svg` (the chart of the ratios) and `<date>.json` (the raw summaries). A complete run
 * (every bench, full length, all succeeded) also updates the README's results section.
 *
 *   npm run bench [-- --only batch,event-loop] [--quick] [--corpus DIR]
 *
 * --only NAMES   run only these benches (http, batch, event-loop, extract), in that order
 * --quick        short durations: a smoke run that shows the pipeline works; written as `<date>-quick.*`, never
 *                into the README
 * --corpus DIR   the page corpus of bench:extract and bench:event-loop (default: CORPUS_DIR or /work/shared/corpus)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import {
  chartedRatios,
  describeMachine,
  ratioChart,
  renderReadmeSection,
  renderReport,
  replaceBetween,
  type BenchOutcome,
  type RunReport,
} from './support/report.js';
import type { BenchSummary } from './support/summary.js';

const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const README = join(ROOT, 'README.md');
const README_START = '<!-- bench-results:start -->';
const README_END = '<!-- bench-results:end -->';
/** A bench silent for this long gets a line saying it is still running. */
const HEARTBEAT_MS = 20_000;

interface BenchSpec {
  name: string;
  script: string;
  /** Arguments of a full run. */
  args: (corpus: string) => string[];
  /** Arguments of a `--quick` run, appended. */
  quick: string[];
}

const BENCHES: readonly BenchSpec[] = [
  {
    name: 'http',
    script: 'bench/http.ts',
    args: () => [],
    quick: ['--duration', '2', '--warmup', '1', '--urls', '300', '--rounds', '1'],
  },
  { name: 'batch', script: 'bench/batch.ts', args: () => [], quick: ['--urls', '16', '--runs', '1'] },
  {
    name: 'event-loop',
    script: 'bench/event-loop.ts',
    args: () => [],
    quick: ['--duration', '2', '--pages', '3', '--concurrency', '4'],
  },
  { name: 'extract', script: 'bench/extract.ts', args: (corpus) => ['--corpus', corpus], quick: ['--rounds', '1'] },
];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    corpus: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
if (values.help) {
  process.stdout.write('npm run bench [-- --only http,batch,event-loop,extract] [--quick] [--corpus DIR]\n');
  process.exit(0);
}
const quick = values.quick;
const corpus = values.corpus ?? process.env.CORPUS_DIR ?? '/work/shared/corpus';
const wanted = values.only?.split(',').map((name) => name.trim()) ?? BENCHES.map((bench) => bench.name);
const unknown = wanted.filter((name) => !BENCHES.some((bench) => bench.name === name));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench ${unknown.join(', ')} (known: ${BENCHES.map((b) => b.name).join(', ')})\n`);
  process.exit(2);
}
const selected = BENCHES.filter((bench) => wanted.includes(bench.name));

function step(index: number, total: number, text: string): void {
  process.stdout.write(`\n\x1b[1m==> [${index}/${total}] ${text}\x1b[0m\n`);
}

/** Runs a command with its output on the terminal; resolves with its exit code and how long it took. */
function run(
  label: string,
  command: string,
  args: readonly string[],
): Promise<{ code: number | null; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let lastOutput = performance.now();
    const forward = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
      lastOutput = performance.now();
      target.write(chunk);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    const heartbeat = setInterval(() => {
      if (performance.now() - lastOutput < HEARTBEAT_MS) return;
      lastOutput = performance.now();
      process.stdout.write(`    … ${label} still running (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    }, 1000);
    // Ctrl-C reaches the child through the terminal's process group; wait for it to clean up, then stop too.
    child.once('error', (error) => {
      clearInterval(heartbeat);
      reject(error);
    });
    child.once('close', (code) => {
      clearInterval(heartbeat);
      resolve({ code, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** The bench's summary, or why there is none. */
function readSummary(file: string): { summary?: BenchSummary; problem?: string } {
  if (!existsSync(file)) return { problem: 'it wrote no JSON summary (does it accept --json FILE?)' };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchSummary>;
    if (typeof parsed.name !== 'string' || !Array.isArray(parsed.rows))
      return { problem: 'its JSON has no name and rows' };
    return { summary: { notes: [], ...parsed } as BenchSummary };
  } catch (error) {
    return { problem: `its JSON summary does not parse: ${String(error)}` };
  }
}

/** Writes a file as Prettier would (`npm run format:check` covers the reports and the README). */
async function writeFormatted(file: string, text: string): Promise<void> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

const machine = describeMachine();
const date = new Date().toISOString().slice(0, 10);
const total = selected.length + 1;
const scratch = mkdtempSync(join(os.tmpdir(), 'lps-bench-'));
const runStarted = performance.now();
process.stdout.write(
  `npm run bench${quick ? ' --quick' : ''}: ${selected.map((bench) => bench.name).join(', ')}\n` +
    `machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
    `load ${machine.load.start.toFixed(2)}\n`,
);

step(1, total, 'npm run build');
const build = await run('build', 'npm', ['run', 'build', '--silent']);
if (build.code !== 0) {
  process.stderr.write(`build failed (exit ${build.code}): nothing measured\n`);
  process.exit(1);
}
process.stdout.write(`    built in ${build.seconds.toFixed(1)} s\n`);

const outcomes: BenchOutcome[] = [];
for (const [index, bench] of selected.entries()) {
  const json = join(scratch, `${bench.name}.json`);
  const args = [bench.script, ...bench.args(corpus), ...(quick ? bench.quick : []), '--json', json];
  const command = `tsx ${args.join(' ').replace(json, '<summary.json>')}`;
  step(index + 2, total, `bench:${bench.name}  (${command})`);
  const { code, seconds } = await run(`bench:${bench.name}`, process.execPath, ['--import', 'tsx', ...args]);
  const read = code === 0 ? readSummary(json) : { problem: `it exited with code ${code}` };
  const outcome: BenchOutcome = { name: `bench:${bench.name}`, command, seconds, exitCode: code, ...read };
  outcomes.push(outcome);
  const verdict = outcome.problem === undefined ? 'done' : 'FAILED: ' + outcome.problem;
  process.stdout.write(`    bench:${bench.name} ${verdict} in ${seconds.toFixed(1)} s\n`);
}
rmSync(scratch, { recursive: true, force: true });
machine.load.end = os.loadavg()[0];

const base = quick ? `${date}-quick` : date;
mkdirSync(RESULTS_DIR, { recursive: true });
const report: RunReport = {
  date,
  command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  quick,
  machine,
  outcomes,
  chartFile: `${base}.svg`,
};
const reportFile = join(RESULTS_DIR, `${base}.md`);
const chartFile = join(RESULTS_DIR, `${base}.svg`);
writeFileSync(chartFile, ratioChart(chartedRatios(outcomes), `Link Preview Service benchmarks, ${date}`));
await writeFormatted(reportFile, renderReport(report));
await writeFormatted(join(RESULTS_DIR, `${base}.json`), JSON.stringify({ date, quick, machine, outcomes }));

const failed = outcomes.filter((outcome) => outcome.problem !== undefined);
const complete = !quick && failed.length === 0 && selected.length === BENCHES.length;
if (complete) {
  const section = renderReadmeSection(report, relative(ROOT, reportFile), relative(ROOT, chartFile));
  await writeFormatted(README, replaceBetween(readFileSync(README, 'utf8'), README_START, README_END, section));
}
let readmeNote = 'results section updated';
if (!complete) {
  if (quick) readmeNote = 'not updated (quick run)';
  else if (failed.length > 0) readmeNote = 'not updated (a bench failed)';
  else readmeNote = 'not updated (not every bench ran)';
}
process.stdout.write(
  `\n\x1b[1mdone in ${((performance.now() - runStarted) / 1000).toFixed(0)} s\x1b[0m\n` +
    `  report  ${relative(ROOT, reportFile)}\n  chart   ${relative(ROOT, chartFile)}\n  README  ${readmeNote}\n`,
);
for (const outcome of failed) process.stderr.write(`  ${outcome.name} failed: ${outcome.problem}\n`);
process.exit(failed.length === 0 ? 0 : 1);
