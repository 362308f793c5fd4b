import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One cell of a summary row: figures are numbers (the report formats them), labels strings. */
export type SummaryCell = string | number | boolean | null;

/**
 * A ratio the report charts. Every figure of a bench is a ratio of two measurements taken side by side in one run,
 * so machine noise hits both alike.
 */
export interface BenchRatio {
  /** What is divided by what, e.g. `cache-hit preview / GET /test (req/s)`. */
  label: string;
  value: number;
  /** The goal: met when `value` is at least this (or at most, with `better: 'lower'`). */
  target?: number;
  /** Which way is better. @default 'higher' */
  better?: 'higher' | 'lower';
}

/**
 * What every bench writes with `--json FILE`: its name, its result table as flat rows (column → value, in column
 * order), the ratios to chart, and notes on how it was measured. `npm run bench` renders any such file.
 */
export interface BenchSummary {
  name: string;
  /** A title for the rows, e.g. `Summary (median of 3 runs)`. */
  title?: string;
  rows: Record<string, SummaryCell>[];
  ratios?: BenchRatio[];
  notes: string[];
}

/** Writes `summary` as JSON to `file` when the bench was given `--json FILE`; does nothing otherwise. */
export function writeSummary(file: string | undefined, summary: BenchSummary): void {
  if (file === undefined) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`\nsummary written to ${file}\n`);
}

/** Whether a ratio meets its target; undefined when it has none. */
export function meetsTarget(ratio: BenchRatio): boolean | undefined {
  if (ratio.target === undefined) return undefined;
  return ratio.better === 'lower' ? ratio.value <= ratio.target : ratio.value >= ratio.target;
}
