import type { FieldRules } from './rules/field.rules.js';
import type { PageContext, Rule } from './rules/rule.js';

/** Rules for the pages of some hosts: tried before the generic rules of the same field, on those hosts only. */
export interface HostRules {
  /** Names the entry in tests and docs. */
  name: string;
  /** Host patterns: `example.com` is that host only, `*.example.com` the domain and every host below it. */
  hosts: readonly string[];
  /** Rules per field, tried in order before the generic ones. */
  fields: Partial<FieldRules>;
  /** The body must be read even when the head answers every field (the page keeps its media there). */
  needsBody?: (page: PageContext) => boolean;
}

/** Per-host knowledge, loaded by the engine as data (the engine itself names no site). */
export type RulesPack = readonly HostRules[];

/** Whether `hostname` (lower case, as `URL` gives it) is one of the hosts `pattern` names. */
export function hostMatches(pattern: string, hostname: string): boolean {
  const lower = pattern.toLowerCase();
  if (!lower.startsWith('*.')) return hostname === lower;
  const domain = lower.slice(2);
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

/** The rules that apply on a page at `hostname`: the pack's entries for that host first, then `generic`. */
export interface ResolvedRules {
  fields: FieldRules;
  needsBody: readonly ((page: PageContext) => boolean)[];
}

export function rulesFor(pack: RulesPack, generic: Readonly<FieldRules>, hostname: string | undefined): ResolvedRules {
  const entries =
    hostname === undefined ? [] : pack.filter((entry) => entry.hosts.some((host) => hostMatches(host, hostname)));
  if (entries.length === 0) return { fields: generic, needsBody: [] };
  const fields = { ...generic };
  for (const key of Object.keys(generic) as (keyof FieldRules)[]) {
    const own = entries.flatMap((entry) => (entry.fields[key] ?? []) as Rule<unknown>[]);
    if (own.length > 0) (fields as Record<keyof FieldRules, readonly Rule<unknown>[]>)[key] = [...own, ...generic[key]];
  }
  return { fields, needsBody: entries.flatMap((entry) => (entry.needsBody ? [entry.needsBody] : [])) };
}
