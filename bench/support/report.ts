import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { meetsTarget, type BenchRatio, type BenchSummary, type SummaryCell } from './summary.js';

/** The machine a run was measured on: ratios compare figures of one run, but the reader should know the box. */
export interface MachineInfo {
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the run started and ended (the machine may be shared). */
  load: { start: number; end?: number };
  /** `abc1234`, with ` (uncommitted changes)` when the tree was dirty. */
  commit: string;
}

/** What one bench of a run gave. */
export interface BenchOutcome {
  /** `bench:batch` etc. */
  name: string;
  command: string;
  seconds: number;
  exitCode: number | null;
  summary?: BenchSummary;
  /** Why there is no summary (a non-zero exit, no JSON written, a JSON that is not a summary). */
  problem?: string;
}

/** Everything a report is made of. */
export interface RunReport {
  /** `2026-12-01` */
  date: string;
  command: string;
  quick: boolean;
  machine: MachineInfo;
  outcomes: BenchOutcome[];
  /** The chart's file name, relative to the report. */
  chartFile: string;
}

/** git from a fixed location (not whatever PATH finds first). */
const GIT = ['/usr/bin/git', '/usr/local/bin/git', '/opt/homebrew/bin/git'].find((path) => existsSync(path));

function gitCommit(): string {
  if (GIT === undefined) return 'unknown';
  try {
    const commit = execFileSync(GIT, ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync(GIT, ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty === '' ? commit : `${commit} (uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

/** Describes this machine now. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    load: { start: os.loadavg()[0] },
    commit: gitCommit(),
  };
}

/** One line naming the machine, for the README. */
export function machineLine(machine: MachineInfo): string {
  const load =
    machine.load.end === undefined ? '' : `, load ${machine.load.start.toFixed(1)} → ${machine.load.end.toFixed(1)}`;
  return `${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}${load}`;
}

function cellText(cell: SummaryCell | undefined): string {
  if (cell === undefined || cell === null) return '–';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return String(cell).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A number, or a number already written as text (a rounded ratio): right-aligned. */
function isNumberCell(cell: SummaryCell): boolean {
  return typeof cell === 'number' || (typeof cell === 'string' && /^-?\d+(\.\d+)?$/.test(cell));
}

/** A Markdown table of flat rows: the columns are every key, in the order they first appear. */
export function markdownTable(rows: readonly Record<string, SummaryCell>[]): string {
  if (rows.length === 0) return '_no rows_';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const numeric = columns.map((column) => rows.every((row) => isNumberCell(row[column] ?? 0)));
  const lines = [
    `| ${columns.map((column) => cellText(column)).join(' | ')} |`,
    `| ${numeric.map((isNumber) => (isNumber ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((column) => cellText(row[column])).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** A ratio with the bench it came from. */
export interface ChartedRatio extends BenchRatio {
  bench: string;
}

/** Every finite ratio of the outcomes, with its bench's name, in bench order. */
export function chartedRatios(outcomes: readonly BenchOutcome[]): ChartedRatio[] {
  return outcomes.flatMap((outcome) =>
    (outcome.summary?.ratios ?? [])
      .filter((ratio) => Number.isFinite(ratio.value))
      .map((ratio) => ({ ...ratio, bench: outcome.name })),
  );
}

/** A ratio as a reader reads it: two decimals, or two significant digits below 0.1 (0.48, 1.15, 0.024). */
export function ratioText(value: number): string {
  return String(Math.abs(value) >= 0.1 ? Number(value.toFixed(2)) : Number(value.toPrecision(2)));
}

function targetText(ratio: BenchRatio): string {
  if (ratio.target === undefined) return '–';
  return `${ratio.better === 'lower' ? '≤' : '≥'} ${ratio.target}`;
}

function resultText(ratio: BenchRatio): string {
  const met = meetsTarget(ratio);
  if (met === undefined) return '–';
  return met ? 'met' : '**missed**';
}

/** The table of every ratio of a run, in bench order. */
export function ratioTable(ratios: readonly ChartedRatio[]): string {
  if (ratios.length === 0) return '_no ratios_';
  return markdownTable(
    ratios.map((ratio) => ({
      bench: ratio.bench,
      ratio: ratio.label,
      value: ratioText(ratio.value),
      target: targetText(ratio),
      result: resultText(ratio),
    })),
  );
}

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const COLOURS = { met: '#16a34a', missed: '#dc2626', none: '#4f46e5', text: '#1b1f2a', muted: '#5f6779' } as const;

function barColour(ratio: BenchRatio): string {
  const met = meetsTarget(ratio);
  if (met === undefined) return COLOURS.none;
  return met ? COLOURS.met : COLOURS.missed;
}

/** The legend, drawn right-aligned at `y`: what the colours and marks mean. */
function legend(right: number, y: number): string[] {
  const items: [string, string][] = [
    ['met', COLOURS.met],
    ['missed', COLOURS.missed],
    ['no target', COLOURS.none],
  ];
  const parts: string[] = [];
  let x = right - 330;
  for (const [label, colour] of items) {
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" rx="3" fill="${colour}"/>`);
    parts.push(`<text x="${x + 17}" y="${y}" fill="${COLOURS.muted}">${label}</text>`);
    x += label.length * 7 + 38;
  }
  parts.push(`<line x1="${x}" y1="${y - 11}" x2="${x}" y2="${y + 2}" stroke="${COLOURS.text}" stroke-width="2"/>`);
  parts.push(`<text x="${x + 6}" y="${y}" fill="${COLOURS.muted}">target</text>`);
  return parts;
}

/**
 * A horizontal bar chart of the ratios, as standalone SVG, grouped by bench: one bar per ratio (green when it meets
 * its target, red when not, indigo without one), the target as a dark tick, parity (1.0) as a dashed line.
 */
export function ratioChart(ratios: readonly ChartedRatio[], title: string): string {
  const width = 860;
  const left = 24;
  const labelWidth = 380;
  const barLeft = left + labelWidth + 12;
  const barWidth = width - barLeft - 80;
  const headerHeight = 26;
  const rowHeight = 28;
  const top = 76;
  const benches = [...new Set(ratios.map((ratio) => ratio.bench))];
  const plotHeight = benches.length * headerHeight + ratios.length * rowHeight;
  const height = top + Math.max(rowHeight, plotHeight) + 40;
  const scaleMax = Math.max(1.2, ...ratios.flatMap((ratio) => [ratio.value, ratio.target ?? 0])) * 1.12;
  const x = (value: number): number => barLeft + (Math.max(0, value) / scaleMax) * barWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif" font-size="13">`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="10" fill="#ffffff" stroke="#e2e5ee"/>`,
    `<text x="${left}" y="32" font-size="17" font-weight="600" fill="${COLOURS.text}">${xml(title)}</text>`,
    `<text x="${left}" y="54" fill="${COLOURS.muted}">Each ratio compares two figures measured side by side in one run; dashed line: 1.0</text>`,
    ...legend(width - 24, 32),
    `<line x1="${x(1).toFixed(1)}" y1="${top - 4}" x2="${x(1).toFixed(1)}" y2="${top + plotHeight}" ` +
      `stroke="#8a91a3" stroke-dasharray="3 3"/>`,
  ];
  let y = top;
  for (const bench of benches) {
    parts.push(`<text x="${left}" y="${y + 17}" font-weight="600" fill="${COLOURS.muted}">${xml(bench)}</text>`);
    y += headerHeight;
    for (const ratio of ratios.filter((candidate) => candidate.bench === bench)) {
      const end = x(ratio.value);
      const tick = ratio.target === undefined ? end : Math.max(end, x(ratio.target));
      parts.push(
        `<text x="${left + 14}" y="${y + 18}" fill="${COLOURS.text}">${xml(ratio.label)}</text>`,
        `<rect x="${barLeft}" y="${y + 5}" width="${(end - barLeft).toFixed(1)}" height="18" rx="4" fill="${barColour(ratio)}"/>`,
        `<text x="${(tick + 7).toFixed(1)}" y="${y + 18}" fill="${COLOURS.text}" font-weight="600">${ratioText(ratio.value)}×</text>`,
      );
      if (ratio.target !== undefined) {
        const targetX = x(ratio.target).toFixed(1);
        parts.push(
          `<line x1="${targetX}" y1="${y + 1}" x2="${targetX}" y2="${y + 27}" stroke="${COLOURS.text}" stroke-width="2"/>`,
        );
      }
      y += rowHeight;
    }
  }
  if (ratios.length === 0) {
    parts.push(`<text x="${left}" y="${top + 18}" fill="${COLOURS.muted}">No ratios in this run.</text>`);
  }
  const axisY = top + Math.max(rowHeight, plotHeight) + 22;
  for (const value of [0, 0.5, 1, 1.5, 2, 3, 4, 5, 10, 20].filter((candidate) => candidate <= scaleMax)) {
    parts.push(`<text x="${x(value).toFixed(1)}" y="${axisY}" text-anchor="middle" fill="#8a91a3">${value}</text>`);
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The report of a run: machine, chart, the ratio table, then each bench's notes and rows. */
export function renderReport(report: RunReport): string {
  const { machine } = report;
  const ratios = chartedRatios(report.outcomes);
  const lines = [
    `# Benchmark results, ${report.date}${report.quick ? ' (quick run: short durations, not for comparison)' : ''}`,
    '',
    `\`${report.command}\` on loopback, with a local fixture upstream.`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${machine.cores} × ${cellText(machine.cpu)} |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    `| OS | ${cellText(machine.os)} |`,
    `| Node | ${machine.node} |`,
    `| load (1 min) | ${machine.load.start.toFixed(2)} at start, ${machine.load.end?.toFixed(2) ?? '–'} at end |`,
    `| commit | ${machine.commit} |`,
    '',
    `![Ratios](${report.chartFile})`,
    '',
    '## Ratios',
    '',
    ratioTable(ratios),
  ];
  for (const outcome of report.outcomes) {
    lines.push('', `## ${outcome.name}`, '', `\`${outcome.command}\`, ${outcome.seconds.toFixed(0)} s`, '');
    if (outcome.summary === undefined) {
      lines.push(`No summary: ${outcome.problem ?? 'unknown problem'}.`);
      continue;
    }
    for (const note of outcome.summary.notes) lines.push(`- ${note}`);
    if (outcome.summary.notes.length > 0) lines.push('');
    if (outcome.summary.title) lines.push(`**${outcome.summary.title}**`, '');
    lines.push(markdownTable(outcome.summary.rows));
  }
  return `${lines.join('\n')}\n`;
}

/** The README's results section: the latest run's machine, chart and ratio table, with a link to the report. */
export function renderReadmeSection(report: RunReport, reportPath: string, chartPath: string): string {
  return [
    `Latest run: ${report.date}, ${machineLine(report.machine)},`,
    `commit ${report.machine.commit}. Every figure is a ratio of two measurements taken side by side in that run; the full tables`,
    `and how each was measured are in [${reportPath}](${reportPath}).`,
    '',
    `![Benchmark ratios](${chartPath})`,
    '',
    ratioTable(chartedRatios(report.outcomes)),
  ].join('\n');
}

/** Replaces what is between `start` and `end` in `text`; throws when the markers are missing. */
export function replaceBetween(text: string, start: string, end: string, content: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from === -1 || to === -1) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
