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
