import { parseJsonLd, type JsonLdNode } from '../json-ld.js';
import { documentBase } from '../normalize/urls.js';
import type { PageScan } from '../page-scan.js';

/** What a rule reads: the scanned page plus lazily built indexes over it. */
export class PageContext {
  /** The URL relative references resolve against (`<base href>` when it is http(s), else the page URL). */
  readonly base: string;
  private metaIndex?: Map<string, string[]>;
  private propIndex?: Map<string, string[]>;
  private jsonLdNodes?: JsonLdNode[];
  private pageUrl?: URL | null;

  constructor(readonly scan: PageScan) {
    this.base = documentBase(scan.url, scan.baseHref);
  }

  /** Every `<meta>` content for a lowercased `property`/`name`/`http-equiv` key, in page order. */
  meta(key: string): string[] {
    this.metaIndex ??= index(this.scan.metas.map((m) => [m.key, m.value]));
    return this.metaIndex.get(key) ?? [];
  }

  /** Every microdata value at a lowercased property path (`author.name`), in page order. */
  itemProp(path: string): string[] {
    this.propIndex ??= index(this.scan.itemProps.map((p) => [p.path, p.value]));
    return this.propIndex.get(path) ?? [];
  }

  /** The address the page was fetched from, parsed once; `undefined` when it is not a URL. */
  url(): URL | undefined {
    if (this.pageUrl === undefined) {
      try {
        this.pageUrl = new URL(this.scan.url);
      } catch {
        this.pageUrl = null;
      }
    }
    return this.pageUrl ?? undefined;
  }

  /** JSON-LD nodes, content nodes first (see {@link parseJsonLd}). */
  jsonLd(): JsonLdNode[] {
    this.jsonLdNodes ??= parseJsonLd(this.scan.jsonLdBlocks);
    return this.jsonLdNodes;
  }
}

/** A small named way to read one field; `name` is reported in `sources`. */
export interface Rule<T> {
  readonly name: string;
  readonly read: (page: PageContext) => T | undefined;
  /** The value is inferred from other text of the page (a site name cut from the title), not declared. */
  readonly guessed?: boolean;
}

/** Options of {@link rule}. */
export interface RuleOptions {
  /** See {@link Rule.guessed}. @default false */
  guessed?: boolean;
}

/** Builds a {@link Rule}. */
export function rule<T>(name: string, read: (page: PageContext) => T | undefined, options: RuleOptions = {}): Rule<T> {
  return options.guessed === true ? { name, read, guessed: true } : { name, read };
}

/** The value a field settled on and the rule that gave it. */
export interface Match<V> {
  value: V;
  source: string;
  /** Copied from the rule ({@link Rule.guessed}). */
  guessed?: boolean;
}

/**
 * Runs `rules` in order and returns the first value that `normalize` accepts. A rule that throws
 * (or whose value fails normalisation) yields nothing and the next rule is tried.
 */
export function firstMatch<T, V>(
  rules: readonly Rule<T>[],
  page: PageContext,
  normalize: (raw: T, page: PageContext) => V | undefined,
): Match<V> | undefined {
  for (const r of rules) {
    try {
      const raw = r.read(page);
      const value = raw === undefined ? undefined : normalize(raw, page);
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
        return r.guessed === true ? { value, source: r.name, guessed: true } : { value, source: r.name };
      }
    } catch {
      continue;
    }
  }
  return undefined;
}

function index(entries: [string, string][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of entries) {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }
  return map;
}
