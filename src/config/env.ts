/**
 * Typed readers for environment variables. Each reader either returns a valid value or throws a
 * {@link ConfigError} naming the variable, the value it got and what is allowed, so a bad deployment
 * stops at boot with a message an operator can act on.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`Invalid value for ${variable}: ${JSON.stringify(value)} (allowed: ${allowed})`);
    this.name = 'ConfigError';
  }
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export interface IntOptions {
  /** Value used when the variable is unset or empty. */
  default: number;
  /** Smallest allowed value. @default 0 */
  min?: number;
  /** Largest allowed value. @default Number.MAX_SAFE_INTEGER */
  max?: number;
}

/** An integer within `[min, max]`, written in plain decimal digits. */
export function int(env: Env, name: string, options: IntOptions): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  const value = raw(env, name);
  if (value === undefined) return options.default;
  const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(name, value, `an integer from ${min} to ${max}`);
  }
  return parsed;
}

/** One of a fixed set of words (case-insensitive). */
export function oneOf<const T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const match = allowed.find((candidate) => candidate === value.toLowerCase());
  if (match === undefined) throw new ConfigError(name, value, allowed.join(', '));
  return match;
}

/** `true` or `false` (also `1`/`0`, `yes`/`no`); anything else is an error, never silently false. */
export function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lowered = value.toLowerCase();
  if (['true', '1', 'yes'].includes(lowered)) return true;
  if (['false', '0', 'no'].includes(lowered)) return false;
  throw new ConfigError(name, value, 'true or false');
}

/** A free-form string. */
export function str(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

/** A comma-separated list; each item trimmed, empty items dropped, each checked by `check` when given. */
export function list(
  env: Env,
  name: string,
  fallback: readonly string[],
  check?: { test: (item: string) => boolean; allowed: string },
): string[] {
  const value = raw(env, name);
  if (value === undefined) return [...fallback];
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = check ? items.find((item) => !check.test(item)) : undefined;
  if (check && bad !== undefined) throw new ConfigError(name, bad, check.allowed);
  return items;
}

/** A `host:port` pair (`[v6]:port` for IPv6), the form used by server lists and allow-lists. */
export function isHostPort(item: string): boolean {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(item);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
}
