/**
 * Extraction benchmark (not a test): runs our extract() (with and without its rules pack) and the peer extractors
 * (metascraper with and without its per-site vendor packages, open-graph-scraper, unfurl.js) on a corpus of real
 * pages, in one process and one run, and prints pages per second and per-field agreement with each page's
 * expected.json, on every page and on the pages whose expected answers came from generic rules only.
 *
 *   npm run bench:extract -- --corpus ../shared/corpus [--rounds 3] [--verbose] [--strict] [--only NAME] [--json FILE]
 *
 * The peers live in their own package (bench/peers), installed on first use.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { extract, type Metadata } from '../src/extraction/extract.js';
import { decodeText } from '../src/fetcher/charset.js';
import { ensurePeersInstalled } from './peers/install.js';
import { loadScoredCorpus, type ScoredPage } from './support/corpus.js';
import { median } from './support/table.js';

const FIELDS = ['title', 'description', 'image', 'url', 'lang', 'publisher', 'author', 'date'] as const;
const CORE_FIELDS: readonly Field[] = ['title', 'description', 'image', 'url', 'lang'];
type Field = (typeof FIELDS)[number];
type Fields = Partial<Record<Field, string | null | undefined>>;

/** What an extractor is given: the page decoded once by the production decoder, and that text as UTF-8 bytes. */
interface PeerPage {
  url: string;
  html: string;
  utf8: Uint8Array;
}

interface Extractor {
  name: string;
  run: (page: PeerPage) => Promise<Fields> | Fields;
}

interface Score {
  agree: number;
  scored: number;
}

/** One row of the JSON summary (`--json`): figures are numbers, percentages 0–100, null when nothing was scored. */
interface SummaryRow {
  extractor: string;
  pagesPerSecond: number;
  core5: number | null;
  all8: number | null;
  core5Strict: number | null;
  all8Strict: number | null;
  core5Generic: number | null;
  all8Generic: number | null;
  fields: Record<Field, number | null>;
}

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    rounds: { type: 'string', default: '3' },
    verbose: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});

/** Our fields, read the way the expected answers were: `date` is the modification time, else the publication time. */
function ourFields(m: Metadata, url: string): Fields {
  return {
    title: m.title,
    description: m.description,
    image: m.images?.[0]?.url,
    url: m.canonicalUrl ?? url,
    lang: m.lang,
    publisher: m.siteName,
    author: m.author,
    date: m.modifiedAt ?? m.publishedAt,
  };
}

const ours: Extractor[] = [
  { name: 'ours (extract)', run: ({ html, url }) => ourFields(extract(html, url), url) },
  { name: 'ours, no rules pack', run: ({ html, url }) => ourFields(extract(html, url, { rulesPack: [] }), url) },
];

async function peerExtractors(): Promise<Extractor[]> {
  ensurePeersInstalled();
  const module = (await import(new URL('./peers/peers.mjs', import.meta.url).href)) as {
    createPeers: () => Extractor[];
  };
  return module.createPeers();
}

/** The service's decoder, with no transport charset: what a server that sends bare `text/html` gets. */
function decode(bytes: Buffer): string {
  return decodeText(bytes, undefined, 'html').text;
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/*
 * Scoring. Lenient (the default): expected.json went through metascraper's "smart quotes" and "..." → "…"
 * rewriting, which changes the page's own text, so typographic quotes and ellipses count as their ASCII forms for
 * every extractor alike; and a null expected value means "not measured" (several fixtures ran a subset of rules).
 * Strict: text as is, and a null expected value is scored (the extractor must find nothing too). A field absent
 * from expected.json is never scored.
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

async function runAll(extractor: Extractor, pages: readonly PeerPage[]): Promise<Fields[]> {
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

function tally(
  pages: readonly ScoredPage[],
  results: readonly Fields[],
  strict: boolean,
): { scores: Map<Field, Score>; generic: Map<Field, Score>; diffs: string[] } {
  const fresh = (): Map<Field, Score> => new Map(FIELDS.map((f) => [f, { agree: 0, scored: 0 }]));
  const scores = fresh();
  const generic = fresh();
  const diffs: string[] = [];
  pages.forEach((page, i) => {
    for (const field of FIELDS) {
      // A field missing from expected.json was not measured for that page, in either reading.
      if (page.excluded.has(field) || !Object.hasOwn(page.expected, field)) continue;
      const want = comparable(field, page.expected[field], strict);
      if (want === undefined && !strict) continue;
      const got = comparable(field, results[i][field], strict);
      for (const score of page.generic ? [scores.get(field)!, generic.get(field)!] : [scores.get(field)!]) {
        score.scored++;
        if (want === got) score.agree++;
      }
      if (want !== got) diffs.push(`  ${page.id} ${field}\n    expected: ${want}\n    got:      ${got}`);
    }
  });
  return { scores, generic, diffs };
}

function pooled(from: Map<Field, Score>, fields: readonly Field[]): Score {
  return fields.reduce(
    (acc, f) => ({ agree: acc.agree + from.get(f)!.agree, scored: acc.scored + from.get(f)!.scored }),
    { agree: 0, scored: 0 },
  );
}

function percent(score: Score): number | null {
  return score.scored === 0 ? null : Math.round((1000 * score.agree) / score.scored) / 10;
}

const cell = (value: number | null): string => (value === null ? '-' : `${value.toFixed(1)}%`);

/** Each extractor is timed for at least this long (more rounds than `--rounds` when they are fast). */
const MIN_TIMED_SECONDS = 3;
/** The floor for ours against unfurl.js, the fastest peer. */
const UNFURL_SPEED_TARGET = 1.5;

/**
 * Runs one extractor (a warm-up pass whose results are scored, then the timed rounds) and scores it; pages/s is the
 * median of the rounds' own rates.
 */
async function measure(
  extractor: Extractor,
  corpus: readonly ScoredPage[],
  pages: readonly PeerPage[],
  rounds: number,
): Promise<{ row: SummaryRow; diffs: string[] }> {
  process.stderr.write(`${extractor.name}…\n`);
  const results = await runAll(extractor, pages);
  // Each round is timed on its own and the figure is their median, over at least `rounds` rounds and at least
  // MIN_TIMED_SECONDS: a fast extractor's round lasts a fraction of a second, which one pause would distort.
  const perRound: number[] = [];
  const timedUntil = performance.now() + MIN_TIMED_SECONDS * 1000;
  while (perRound.length < rounds || performance.now() < timedUntil) {
    const start = performance.now();
    await runAll(extractor, pages);
    perRound.push(pages.length / ((performance.now() - start) / 1000));
  }
  const lenient = tally(corpus, results, false);
  const strict = tally(corpus, results, true);
  const shown = args.strict ? strict : lenient;
  const row: SummaryRow = {
    extractor: extractor.name,
    pagesPerSecond: Math.round(10 * median(perRound)) / 10,
    core5: percent(pooled(lenient.scores, CORE_FIELDS)),
    all8: percent(pooled(lenient.scores, FIELDS)),
    core5Strict: percent(pooled(strict.scores, CORE_FIELDS)),
    all8Strict: percent(pooled(strict.scores, FIELDS)),
    core5Generic: percent(pooled(lenient.generic, CORE_FIELDS)),
    all8Generic: percent(pooled(lenient.generic, FIELDS)),
    fields: Object.fromEntries(FIELDS.map((f) => [f, percent(shown.scores.get(f)!)])) as Record<Field, number | null>,
  };
  return { row, diffs: shown.diffs };
}

function notesFor(corpus: readonly ScoredPage[], rows: readonly SummaryRow[], rounds: number): string[] {
  const genericCount = corpus.filter((page) => page.generic).length;
  const notes = [
    `${corpus.length} pages (${genericCount} whose expected answers came from metascraper's generic rules, ` +
      `${corpus.length - genericCount} from one of its per-site vendor packages); pages/s: the median of timed ` +
      `rounds after one warm-up, at least ${rounds} rounds and ${MIN_TIMED_SECONDS} s per extractor`,
    'every extractor reads the page as the production decoder decodes it, done once outside the timing',
    'core5 = title, description, image, url, lang pooled; all8 = all eight fields pooled; "generic" = the same on the ' +
      'generic-rule pages only',
    `per-field columns: ${args.strict ? 'strict' : 'lenient'}; lenient: null expected values not scored, typographic ` +
      'quotes/ellipsis equal to ASCII for every extractor alike; strict: nulls scored, text as is; absent fields never scored',
    "date: the modification time, else the publication time, for every extractor (metascraper's own reading, " +
      'which expected.json follows)',
    '"ours, no rules pack" runs the same engine without its per-host rules; "metascraper + vendors" adds the ' +
      'published vendor packages of the corpus hosts (youtube, x, amazon, bluesky, imdb, instagram, tiktok, uol) and ' +
      "readability as the last fallback; metascraper-youtube's thumbnail probe needs the network and the benchmark " +
      'runs offline, so its image rule answers nothing',
  ];
  const unfurlRow = rows.find((row) => row.extractor === 'unfurl.js');
  const oursRow = rows.find((row) => row.extractor === 'ours (extract)');
  if (unfurlRow && oursRow) {
    notes.push(`ours runs ${(oursRow.pagesPerSecond / unfurlRow.pagesPerSecond).toFixed(2)}× the pages/s of unfurl.js`);
  }
  return notes;
}

/** Ours against unfurl.js in pages/s, when both ran. */
function speedRatios(rows: readonly SummaryRow[]): { label: string; value: number; target: number }[] {
  const unfurlRow = rows.find((row) => row.extractor === 'unfurl.js');
  const oursRow = rows.find((row) => row.extractor === 'ours (extract)');
  if (unfurlRow === undefined || oursRow === undefined) return [];
  const value = oursRow.pagesPerSecond / unfurlRow.pagesPerSecond;
  return [{ label: 'extract pages/s, ours / unfurl.js', value, target: UNFURL_SPEED_TARGET }];
}

function printRows(rows: readonly SummaryRow[]): void {
  const header = [
    'extractor',
    'pages/s',
    ...FIELDS,
    'core5',
    'all8',
    'core5 strict',
    'all8 strict',
    'core5 generic',
    'all8 generic',
  ];
  const table = rows.map((row) => [
    row.extractor,
    row.pagesPerSecond.toFixed(1),
    ...FIELDS.map((f) => cell(row.fields[f])),
    cell(row.core5),
    cell(row.all8),
    cell(row.core5Strict),
    cell(row.all8Strict),
    cell(row.core5Generic),
    cell(row.all8Generic),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((text, c) => text.padEnd(widths[c])).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));
}

async function main(): Promise<void> {
  const corpus = loadScoredCorpus(resolve(args.corpus), decode);
  // Decoding and re-encoding happen here, once, outside every extractor's timing alike.
  const pages: PeerPage[] = corpus.map((page) => ({
    url: page.url,
    html: page.html,
    utf8: new TextEncoder().encode(page.html),
  }));
  const rounds = Math.max(1, Number(args.rounds));
  const wanted = (name: string): boolean => args.only === undefined || name.startsWith(args.only);
  const peersWanted = args.only === undefined || !args.only.startsWith('ours');
  const extractors = [...ours, ...(peersWanted ? await peerExtractors() : [])].filter((e) => wanted(e.name));
  const rows: SummaryRow[] = [];
  for (const extractor of extractors) {
    const { row, diffs } = await measure(extractor, corpus, pages, rounds);
    rows.push(row);
    const showDiffs = args.only === undefined ? extractor === extractors[0] : wanted(extractor.name);
    if (args.verbose && showDiffs)
      console.log(`\n${extractor.name}: ${diffs.length} disagreements\n${diffs.join('\n')}`);
  }
  const notes = notesFor(corpus, rows, rounds);
  console.log(`\n${notes.join('\n')}\n`);
  printRows(rows);
  if (args.json !== undefined) {
    const summary = {
      name: 'extract',
      rows: rows.map(({ fields, ...row }) => ({ ...row, ...fields })),
      ratios: speedRatios(rows),
      notes,
    };
    writeFileSync(resolve(args.json), `${JSON.stringify(summary, null, 2)}\n`);
  }
}

await main();
