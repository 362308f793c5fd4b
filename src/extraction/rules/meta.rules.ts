import { rule, type Rule } from './rule.js';

/**
 * The first non-blank `<meta>` content for `key` (matched against `property`, `name` and `http-equiv`,
 * case-insensitively): `meta('og:title')`, `meta('description')`, `meta('citation_author')`.
 */
export function meta(key: string): Rule<string> {
  const lower = key.toLowerCase();
  const name = /[:._]/.test(lower) ? lower : `meta:${lower}`;
  return rule(name, (page) => page.meta(lower).find((value) => value.trim() !== ''));
}

/** `true` when the page declares any `<meta>` whose key starts with `prefix` (`citation_`). */
export function hasMetaPrefix(prefix: string): Rule<boolean> {
  return rule(`${prefix}*`, (page) => page.scan.metas.some((m) => m.key.startsWith(prefix)) || undefined);
}
