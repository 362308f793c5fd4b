/**
 * Extraction benchmark (not a test): runs our extract() and three peer extractors on a corpus of
 * real pages, in one process and one run, and prints pages per second and per-field agreement with
 * each page's expected.json.
 *
 *   npm run bench:extract -- --corpus ../shared/corpus [--rounds 3] [--verbose] [--strict] [--only NAME]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import createMetascraper from 'metascraper';
import metascraperAuthor from 'metascraper-author';
import metascraperDate from 'metascraper-date';
import metascraperDescription from 'metascraper-description';
import metascraperImage from 'metascraper-image';
import metascraperLang from 'metascraper-lang';
import metascraperLogo from 'metascraper-logo';
import metascraperPublisher from 'metascraper-publisher';
import metascraperTitle from 'metascraper-title';
import metascraperUrl from 'metascraper-url';
import ogs from 'open-graph-scraper';
import { unfurl } from 'unfurl.js';
import { extract } from '../src/extraction/extract.js';

const FIELDS = ['title', 'description', 'image', 'url', 'lang', 'publisher', 'author', 'date'] as const;
const CORE_FIELDS: readonly Field[] = ['title', 'description', 'image', 'url', 'lang'];
type Field = (typeof FIELDS)[number];
type Fields = Partial<Record<Field, string | null | undefined>>;

interface Page {
  id: string;
  url: string;
  bytes: Buffer;
  html: string;
  expected: Record<string, unknown>;
  excluded: Set<string>;
}

interface Extractor {
  name: string;
  run: (page: Page) => Promise<Fields> | Fields;
}

interface Score {
  agree: number;
  scored: number;
}

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    rounds: { type: 'string', default: '3' },
    verbose: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const metascraper = createMetascraper([
  metascraperAuthor(),
  metascraperDate(),
  metascraperDescription(),
  metascraperImage(),
  metascraperLang(),
  metascraperLogo(),
  metascraperPublisher(),
  metascraperTitle(),
  metascraperUrl(),
]);

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const extractors: Extractor[] = [
  {
    name: 'ours (extract)',
    run: ({ html, url }) => {
      const m = extract(html, url);
      return {
        title: m.title,
        description: m.description,
        image: m.images?.[0]?.url,
        url: m.canonicalUrl ?? url,
        lang: m.lang,
        publisher: m.siteName,
        author: m.author,
        date: m.publishedAt ?? m.modifiedAt,
      };
    },
  },
  {
    name: 'metascraper',
    run: async ({ html, url }) => {
      const m = (await metascraper({ html, url, validateUrl: false })) as Record<string, unknown>;
      return Object.fromEntries(FIELDS.map((f) => [f, asString(m[f])]));
    },
  },
  {
    name: 'open-graph-scraper',
    run: async ({ html, url }) => {
      const { result: r } = await ogs({ html });
      return {
        title: r.ogTitle ?? r.twitterTitle,
        description: r.ogDescription ?? r.twitterDescription,
        image: r.ogImage?.[0]?.url ?? r.twitterImage?.[0]?.url,
        url: r.ogUrl ?? url,
        lang: r.ogLocale,
        publisher: r.ogSiteName,
        author: r.author ?? r.articleAuthor ?? r.dcCreator,
        date: r.articlePublishedTime ?? r.ogDate ?? r.articleModifiedTime,
      };
    },
  },
  {
    name: 'unfurl.js',
    run: async ({ bytes, url }) => {
      const body = new Uint8Array(bytes);
      const u = await unfurl(url, {
        oembed: false,
        fetch: () => Promise.resolve(new Response(body, { headers: { 'content-type': 'text/html' } })),
      });
      const og = u.open_graph;
      const article = (og as { article?: { published_time?: string } } | undefined)?.article;
      return {
        title: og?.title ?? u.twitter_card?.title ?? u.title,
        description: og?.description ?? u.twitter_card?.description ?? u.description,
        image: og?.images?.[0]?.url ?? u.twitter_card?.images?.[0]?.url,
        url: og?.url ?? u.canonical_url ?? url,
        lang: og?.locale ?? (u as { lang?: string }).lang,
        publisher: og?.site_name,
        author: u.author,
        date: article?.published_time,
      };
    },
  },
];

function decode(bytes: Buffer): string {
  const head = bytes.subarray(0, 2048).toString('latin1');
  const label = /<meta[^>]+charset=["']?\s*([\w-]+)/i.exec(head)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function loadCorpus(dir: string): Page[] {
  return readdirSync(dir)
    .filter((id) => statSync(join(dir, id)).isDirectory())
    .sort((a, b) => a.localeCompare(b))
    .map((id) => {
      const meta = JSON.parse(readFileSync(join(dir, id, 'meta.json'), 'utf8')) as {
        url: string;
        excluded_fields?: string[];
      };
      const bytes = readFileSync(join(dir, id, 'input.html'));
      return {
        id,
        url: meta.url,
        bytes,
        html: decode(bytes),
        expected: JSON.parse(readFileSync(join(dir, id, 'expected.json'), 'utf8')) as Record<string, unknown>,
        excluded: new Set(meta.excluded_fields ?? []),
      };
    });
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/*
 * Scoring. Lenient (the default): expected.json went through metascraper's "smart quotes" and "..." → "…"
 * rewriting, which changes the page's own text, so typographic quotes and ellipses count as their ASCII forms;
 * and a null expected value means "not measured" (several fixtures ran a subset of rules). Strict: text as is,
 * and a null expected value is scored (the extractor must find nothing too). A field absent from expected.json
 * is never scored. Both pooled figures are always
 * printed; --strict switches the per-field columns and the --verbose diffs to the strict reading.
 */
const typographic = (s: string, strict: boolean): string =>
  strict
    ? s
    : s
        .replace(/[\u2018\u2019\u2032]/g, "'")
        .replace(/[\u201c\u201d\u2033]/g, '"')
        .replace(/(?:\.\.\.|\u2026)$/, '…')
        .replace(/ …$/, '…');

function comparable(field: Field, value: unknown, strict: boolean): string | undefined {
  if (typeof value !== 'string' || collapse(value) === '') return undefined;
  const text = typographic(collapse(value), strict);
  switch (field) {
    case 'image':
    case 'url':
      return text.endsWith('/') ? text.slice(0, -1) : text;
    case 'date': {
      const time = Date.parse(text);
      return Number.isNaN(time) ? text : new Date(time).toISOString().slice(0, 10);
    }
    case 'lang':
      return text.slice(0, 2).toLowerCase();
    default:
      return text;
  }
}

async function runAll(extractor: Extractor, pages: Page[]): Promise<Fields[]> {
  const out: Fields[] = [];
  for (const page of pages) {
    try {
      out.push(await extractor.run(page));
    } catch {
      out.push({});
    }
  }
  return out;
}

function pct(score: Score): string {
  return score.scored === 0 ? '-' : `${((100 * score.agree) / score.scored).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const pages = loadCorpus(resolve(args.corpus));
  const rounds = Math.max(1, Number(args.rounds));
  const header = ['extractor', 'pages/s', ...FIELDS, 'core5', 'all8', 'core5 strict', 'all8 strict'];
  const rows: string[][] = [];
  for (const extractor of extractors) {
    if (args.only !== undefined && !extractor.name.startsWith(args.only)) continue;
    const results = await runAll(extractor, pages);
    const start = performance.now();
    for (let i = 0; i < rounds; i++) await runAll(extractor, pages);
    const seconds = (performance.now() - start) / 1000;
    const tally = (strict: boolean): { scores: Map<Field, Score>; diffs: string[] } => {
      const scores = new Map<Field, Score>(FIELDS.map((f) => [f, { agree: 0, scored: 0 }]));
      const diffs: string[] = [];
      pages.forEach((page, i) => {
        for (const field of FIELDS) {
          // A field missing from expected.json was not measured for that page, in either reading.
          if (page.excluded.has(field) || !Object.hasOwn(page.expected, field)) continue;
          const score = scores.get(field)!;
          const want = comparable(field, page.expected[field], strict);
          if (want === undefined && !strict) continue;
          const got = comparable(field, results[i][field], strict);
          score.scored++;
          if (want === got) score.agree++;
          else diffs.push(`  ${page.id} ${field}\n    expected: ${want}\n    got:      ${got}`);
        }
      });
      return { scores, diffs };
    };
    const lenient = tally(false);
    const strict = tally(true);
    const { scores, diffs } = args.strict ? strict : lenient;
    const sum = (from: Map<Field, Score>, fields: readonly Field[]): Score =>
      fields.reduce((acc, f) => ({ agree: acc.agree + from.get(f)!.agree, scored: acc.scored + from.get(f)!.scored }), {
        agree: 0,
        scored: 0,
      });
    rows.push([
      extractor.name,
      ((pages.length * rounds) / seconds).toFixed(1),
      ...FIELDS.map((f) => pct(scores.get(f)!)),
      pct(sum(lenient.scores, CORE_FIELDS)),
      pct(sum(lenient.scores, FIELDS)),
      pct(sum(strict.scores, CORE_FIELDS)),
      pct(sum(strict.scores, FIELDS)),
    ]);
    const showDiffs = args.only === undefined ? extractor === extractors[0] : extractor.name.startsWith(args.only);
    if (args.verbose && showDiffs)
      console.log(`\n${extractor.name}: ${diffs.length} disagreements\n${diffs.join('\n')}`);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  console.log(`\n${pages.length} pages, ${rounds} timed rounds after one warm-up; agreement with expected.json`);
  console.log('core5 = title, description, image, url, lang pooled; all8 = all eight fields pooled');
  console.log(
    `per-field columns: ${args.strict ? 'strict' : 'lenient'}; core5/all8 lenient: null expected values not scored, ` +
      'typographic quotes/ellipsis equal to ASCII; "strict" columns: nulls scored, text as is; absent fields never scored',
  );
  console.log('date: expected.json takes the modified time before the published one; each extractor maps its own\n');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

await main();
