import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The shared, read-only corpus of third-party pages: read in place, never copied into the repository. */
export const CORPUS_DIR = process.env.CORPUS_DIR ?? '/work/shared/corpus';

/** One corpus page held in memory, so that serving it costs the fixture no disk reads during a measurement. */
export interface CorpusPage {
  name: string;
  html: Buffer;
}

/** The `count` largest pages of the corpus by `input.html` size, largest first. */
export function largestPages(count: number, dir = CORPUS_DIR): CorpusPage[] {
  const sized = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const file = join(dir, entry.name, 'input.html');
      try {
        return { name: entry.name, file, size: statSync(file).size };
      } catch {
        return undefined;
      }
    })
    .filter((page) => page !== undefined)
    .sort((a, b) => b.size - a.size)
    .slice(0, count);
  if (sized.length === 0) throw new Error(`no input.html pages under ${dir}`);
  return sized.map((page) => ({ name: page.name, html: readFileSync(page.file) }));
}

/** One named corpus page. */
export function corpusPage(name: string, dir = CORPUS_DIR): CorpusPage {
  return { name, html: readFileSync(join(dir, name, 'input.html')) };
}

/** A corpus page with what bench:extract scores it against. */
export interface ScoredPage {
  id: string;
  url: string;
  /** The page as stored. */
  bytes: Buffer;
  /** The page decoded by the service's own decoder (BOM, `<meta>` prescan, late `<meta charset>`, UTF-8 check). */
  html: string;
  expected: Record<string, unknown>;
  /** Fields whose expected value varies and is not scored. */
  excluded: Set<string>;
  /**
   * Whether the expected answer came from metascraper's generic rules alone; the other pages' answers came from one
   * of its per-site vendor packages (`source.path` names the package whose fixture the page is).
   */
  generic: boolean;
  /** The metascraper package whose fixture the page is (`metascraper`, `metascraper-youtube`, ...). */
  sourcePackage: string;
}

interface PageMeta {
  url: string;
  excluded_fields?: string[];
  source?: { path?: string };
}

/** Every page of the corpus in `dir`, in name order, decoded with `decode` (the production decoder). */
export function loadScoredCorpus(dir: string, decode: (bytes: Buffer) => string): ScoredPage[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((id) => {
      const meta = JSON.parse(readFileSync(join(dir, id, 'meta.json'), 'utf8')) as PageMeta;
      const bytes = readFileSync(join(dir, id, 'input.html'));
      const sourcePackage = meta.source?.path?.split('/')[1] ?? 'metascraper';
      return {
        id,
        url: meta.url,
        bytes,
        html: decode(bytes),
        expected: JSON.parse(readFileSync(join(dir, id, 'expected.json'), 'utf8')) as Record<string, unknown>,
        excluded: new Set(meta.excluded_fields ?? []),
        generic: sourcePackage === 'metascraper',
        sourcePackage,
      };
    });
}
