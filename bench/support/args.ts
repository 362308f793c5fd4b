import { parseArgs } from 'node:util';

/** A positive number flag, or the default; a bad value stops the bench before anything starts. */
export function numberFlag(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new Error(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return parsed;
}

/** Parses `--name value` flags (all strings) and prints `usage` on --help. */
export function readFlags(names: readonly string[], usage: string): Record<string, string | undefined> {
  const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({ options: { ...options, help: { type: 'boolean' } }, allowPositionals: false });
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const parsed = values as Record<string, string | boolean | undefined>;
  const flags: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = parsed[name];
    flags[name] = typeof value === 'string' ? value : undefined;
  }
  return flags;
}
