/** A JSON-LD node (an object with string keys). */
export type JsonLdNode = Record<string, unknown>;

const WRAPPER_TYPES = new Set([
  'website',
  'organization',
  'newsmediaorganization',
  'corporation',
  'localbusiness',
  'person',
  'breadcrumblist',
  'sitenavigationelement',
  'wpheader',
  'wpfooter',
  'wpsidebar',
  'imageobject',
  'searchaction',
  'listitem',
  'itemlist',
]);
const PAGE_TYPES = /^(?:\w*page)$/;

/**
 * Parses `<script type="application/ld+json">` blocks, tolerating what pages get wrong (HTML comments
 * or CDATA around the JSON, trailing commas, raw newlines inside strings, a trailing `;`), and returns
 * every node in reading order, `@graph` and arrays flattened, content nodes (articles, videos, products)
 * before web pages and before site-wide nodes (WebSite, Organization, BreadcrumbList).
 */
export function parseJsonLd(blocks: readonly string[]): JsonLdNode[] {
  const nodes: JsonLdNode[] = [];
  for (const block of blocks) {
    const data = parseLenient(block);
    if (data !== undefined) collect(data, nodes);
  }
  const byId = new Map<string, JsonLdNode>();
  for (const node of nodes) if (typeof node['@id'] === 'string') byId.set(node['@id'], node);
  const resolved = nodes.map((node) => resolveRefs(node, byId, 0) as JsonLdNode);
  return resolved
    .map((node, index) => ({ node, index, rank: rank(node) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.node);
}

/** The first non-empty value at `path` (`publisher.name`, `image.url`) among `nodes`, arrays walked in order. */
export function jsonLdValue(nodes: readonly JsonLdNode[], path: string): unknown {
  const keys = path.split('.');
  for (const node of nodes) {
    const value = dig(node, keys);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The `@type` values of a node, without a schema.org prefix. */
export function jsonLdTypes(node: JsonLdNode): string[] {
  const type = node['@type'];
  const list = Array.isArray(type) ? type : [type];
  return list.filter((t): t is string => typeof t === 'string').map((t) => t.replace(/^https?:\/\/schema\.org\//i, ''));
}

function parseLenient(block: string): unknown {
  const text = block
    .trim()
    .replace(/^<!--|-->$/g, '')
    .replace(/^\s*(?:\/\/\s*)?<!\[CDATA\[|(?:\/\/\s*)?\]\]>\s*$/g, '')
    .trim()
    .replace(/;\s*$/, '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      return JSON.parse(repair(text)) as unknown;
    } catch {
      return undefined;
    }
  }
}

function repair(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      else if (ch === '\n' || ch === '\r' || ch === '\t') {
        out += ' ';
        continue;
      }
    } else if (ch === '"') inString = true;
    out += ch;
  }
  // Trailing commas before a closing bracket, and several top-level objects written back to back.
  out = out.replace(/,(\s*[}\]])/g, '$1');
  if (/^\{[\s\S]*\}\s*\{/.test(out)) out = `[${out.replace(/\}\s*\{/g, '},{')}]`;
  return out;
}

function collect(data: unknown, into: JsonLdNode[]): void {
  if (Array.isArray(data)) {
    for (const item of data) collect(item, into);
    return;
  }
  if (!isNode(data)) return;
  const graph = data['@graph'];
  if (graph !== undefined) {
    collect(graph, into);
    if (data['@type'] === undefined) return;
  }
  into.push(data);
}

function resolveRefs(value: unknown, byId: Map<string, JsonLdNode>, depth: number): unknown {
  if (depth > 4) return value;
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, byId, depth + 1));
  if (!isNode(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value['@id'] === 'string') {
    const target = byId.get(value['@id']);
    return target ?? value;
  }
  if (depth === 0) {
    const out: JsonLdNode = {};
    for (const key of keys) out[key] = resolveRefs(value[key], byId, depth + 1);
    return out;
  }
  return value;
}

function dig(value: unknown, keys: readonly string[]): unknown {
  if (keys.length === 0) return isEmpty(value) ? undefined : value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = dig(item, keys);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isNode(value)) return undefined;
  return dig(value[keys[0]], keys.slice(1));
}

function rank(node: JsonLdNode): number {
  const types = jsonLdTypes(node).map((t) => t.toLowerCase());
  if (types.length === 0) return 1;
  if (types.some((t) => PAGE_TYPES.test(t))) return 1;
  return types.every((t) => WRAPPER_TYPES.has(t)) ? 2 : 0;
}

function isNode(value: unknown): value is JsonLdNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}
