import type { ImageInfo } from '../metadata.js';
import { normalizeAuthor } from '../normalize/author.js';
import { normalizeDate } from '../normalize/dates.js';
import { collapseWhitespace, toDimension } from '../normalize/text.js';
import { rule, type Rule } from './rule.js';

/** Plain HTML elements whose text can stand in for a field. */
export type TextSource = 'title' | 'h1' | 'paragraph';

const TEXT_RULE_NAMES: Record<TextSource, string> = { title: 'title', h1: 'h1', paragraph: 'p' };

/** Text of the document `<title>`, the first `<h1>`, or the first meaningful paragraph outside page chrome. */
export function text(source: TextSource): Rule<string> {
  return rule(TEXT_RULE_NAMES[source], (page) => page.scan[source]);
}

/** `href` of the first `<link>` whose relation list contains `rel` (`link('canonical')`). */
export function link(rel: string): Rule<string> {
  return rule(`link[rel=${rel}]`, (page) => page.scan.links.find((l) => l.rel.split(' ').includes(rel))?.href);
}

/** `href` of `<link rel="alternate" hreflang="x-default">`, the language-neutral address of the page. */
export const defaultAlternate: Rule<string> = rule(
  'link[hreflang=x-default]',
  (page) => page.scan.links.find((l) => l.rel === 'alternate' && l.hreflang === 'x-default')?.href,
);

/** `<html lang>` (or `xml:lang`). */
export const htmlLang: Rule<string> = rule('html[lang]', (page) => page.scan.htmlLang);

/** Text of the first non-empty element marked `rel="author"`. */
export const relAuthor: Rule<string> = rule('rel=author', (page) => page.scan.authorLinks.find((t) => t.trim() !== ''));

/** The first byline-like text (class `author`/`byline`, links to author pages) that reads as a name of two or more words. */
export const bylineText: Rule<string> = rule('[class*=author]', (page) =>
  page.scan.bylineTexts.find((t) => /^\S+\s+\S+/.test(normalizeAuthor(t) ?? '')),
);

/** The first text of an element classed `date`/`time`/`publish` that parses as a date. */
export const dateText: Rule<string> = rule('[class*=date]', (page) =>
  page.scan.dateTexts.find((t) => normalizeDate(t) !== undefined),
);

/** `datetime` of the first `<time>` element. */
export const timeElement: Rule<string> = rule('time[datetime]', (page) => page.scan.times[0]);

/**
 * Images in the body. With `inContent`, only those inside `<article>`/`<main>`; otherwise any image
 * outside navigation, headers and footers. Images declared smaller than 100 px are icons or pixels.
 */
export function bodyImages(inContent: boolean): Rule<ImageInfo[]> {
  return rule(inContent ? 'article img' : 'img', (page) =>
    page.scan.bodyImages
      .filter((img) => (!inContent || img.inContent) && !isTiny(img.width) && !isTiny(img.height))
      .map((img) => {
        const width = toDimension(img.width);
        const height = toDimension(img.height);
        const alt = img.alt?.trim();
        return {
          url: img.src,
          ...(width === undefined ? {} : { width }),
          ...(height === undefined ? {} : { height }),
          ...(alt ? { alt } : {}),
        };
      }),
  );
}

function isTiny(size: string | undefined): boolean {
  const n = toDimension(size);
  return n !== undefined && n < 100;
}

const TITLE_SEPARATOR = / [|\-–—·•:] /;

/**
 * The site name part of a `Page title - Site` or `Site | Page title` document title: the last
 * segment, or the first when it is much shorter (sites put their short brand at one end).
 */
export const titleSegment: Rule<string> = rule(
  'title segment',
  (page) => {
    const parts = collapseWhitespace(page.scan.title ?? '')
      .split(TITLE_SEPARATOR)
      .map((p) => p.trim());
    if (parts.length < 2) return undefined;
    const first = parts[0];
    const last = parts[parts.length - 1];
    return first.length * 2 < last.length ? first : last;
  },
  { guessed: true },
);
