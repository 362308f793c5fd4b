import { HOST_RULES } from './host-rules/host-rules.pack.js';
import { LIST_CAPS, MAX_URL_LENGTH, rawReadLimit, TEXT_CAPS } from './limits.js';
import type { IconInfo, ImageInfo, Metadata, MetadataField, OembedLink, VideoInfo } from './metadata.js';
import { normalizeAuthor } from './normalize/author.js';
import { normalizeDate } from './normalize/dates.js';
import { normalizeLang } from './normalize/lang.js';
import { capText, cleanText, collapseWhitespace, decodeEntities } from './normalize/text.js';
import { stripLeadingSiteName } from './normalize/title.js';
import { isHttpUrl, resolveHttpUrl } from './normalize/urls.js';
import { scanPage, type PageScan, type ScanBudget } from './page-scan.js';
import { GENERIC_RULES, type FieldRules } from './rules/field.rules.js';
import { rankIcons } from './rules/icon.rules.js';
import { firstMatch, PageContext, type Match, type Rule } from './rules/rule.js';
import { twitterImages } from './rules/twitter.rules.js';
import { rulesFor, type ResolvedRules, type RulesPack } from './rules-pack.js';

export type { IconInfo, ImageInfo, Metadata, OembedLink, PageType, VideoInfo } from './metadata.js';

/** Options of {@link extract}. */
export interface ExtractOptions {
  /** Per-host rules tried before the generic ones. @default the bundled pack (HOST_RULES) */
  rulesPack?: RulesPack;
  /** Limits of the scan (characters, open elements, milliseconds). @default DEFAULT_SCAN_BUDGET */
  budget?: Partial<ScanBudget>;
}

const NON_IMAGE_EXTENSION = /\.(?:mp4|m4v|mov|webm|ogv|avi|mp3|m4a|wav|ogg|flac|pdf)(?:[?#]|$)/i;

type Normalizer<T, V> = (raw: T, page: PageContext) => V | undefined;

/** Cleaned text of at most `cap` characters, cut at a word or grapheme boundary; URLs are not text. */
function cappedText(raw: unknown, cap: number): string | undefined {
  if (typeof raw !== 'string') return cleanText(raw);
  const limit = rawReadLimit(cap);
  const cut = raw.length > limit;
  const value = cleanText(cut ? raw.slice(0, limit) : raw);
  return value === undefined ? undefined : capText(value, cap, cut);
}

function textOf(cap: number): Normalizer<string, string> {
  return (raw) => {
    const value = cappedText(raw, cap);
    return value === undefined || isHttpUrl(value) ? undefined : value;
  };
}

const url: Normalizer<string, string> = (raw, page) => {
  const resolved = resolveHttpUrl(decodeEntities(raw.slice(0, MAX_URL_LENGTH * 2)), page.base);
  return resolved !== undefined && resolved.length <= MAX_URL_LENGTH ? resolved : undefined;
};
const date: Normalizer<string, string> = (raw) => normalizeDate(cleanText(raw.slice(0, 256)));
const lang: Normalizer<string, string> = (raw) => normalizeLang(cleanText(raw.slice(0, 64)));
const author: Normalizer<string, string> = (raw) => normalizeAuthor(raw.slice(0, rawReadLimit(TEXT_CAPS.author)));
const themeColor: Normalizer<string, string> = (raw) => {
  const value = cleanText(raw.slice(0, TEXT_CAPS.themeColor * 2));
  return value !== undefined && value.length <= TEXT_CAPS.themeColor ? value : undefined;
};
const identity = <T>(raw: T): T => raw;

/** Keeps http(s) media, made absolute and of bounded length, first occurrence of each URL only, at most `cap`. */
function mediaList<T extends { url: string; alt?: string }>(skipNonImages: boolean, cap: number): Normalizer<T[], T[]> {
  return (raw, page) => {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const item of raw) {
      if (out.length >= cap) break;
      const absolute = url(item.url, page);
      if (absolute === undefined || seen.has(absolute)) continue;
      if (skipNonImages && NON_IMAGE_EXTENSION.test(absolute)) continue;
      seen.add(absolute);
      const copy: T = { ...item, url: absolute };
      const alt = item.alt === undefined ? undefined : cappedText(item.alt, TEXT_CAPS.alt);
      if (alt === undefined) delete copy.alt;
      else copy.alt = alt;
      out.push(copy);
    }
    return out.length > 0 ? out : undefined;
  };
}

const images: Normalizer<ImageInfo[], ImageInfo[]> = (raw, page) => {
  const list = mediaList<ImageInfo>(true, LIST_CAPS.images)(raw, page);
  return list === undefined ? undefined : withOwnAlt(list, page);
};
const videos = mediaList<VideoInfo>(false, LIST_CAPS.videos);
const oembedLinks = mediaList<OembedLink>(false, LIST_CAPS.oembedLinks);
/** Every declared icon is ranked before the best few are kept. */
const icons: Normalizer<IconInfo[], IconInfo[]> = (raw, page) => {
  const all = mediaList<IconInfo>(false, Number.POSITIVE_INFINITY)(raw, page);
  return all === undefined ? undefined : rankIcons(all).slice(0, LIST_CAPS.icons);
};

/**
 * An image without alt text takes the `twitter:image:alt` written for that same image (the same URL), when the
 * page describes it there: the alt text of one image never goes to another.
 */
function withOwnAlt(list: ImageInfo[], page: PageContext): ImageInfo[] {
  if (list.every((image) => image.alt !== undefined)) return list;
  const described = mediaList<ImageInfo>(true, LIST_CAPS.images)(twitterImages.read(page) ?? [], page) ?? [];
  const altByUrl = new Map(described.flatMap((image) => (image.alt === undefined ? [] : [[image.url, image.alt]])));
  if (altByUrl.size === 0) return list;
  return list.map((image) => {
    const alt = image.alt ?? altByUrl.get(image.url);
    return alt === undefined ? image : { ...image, alt };
  });
}

/** How each field's raw value is cleaned and bounded. */
const NORMALIZERS: { [K in MetadataField]: Normalizer<never, NonNullable<Metadata[K]>> } = {
  canonicalUrl: url,
  type: identity,
  title: textOf(TEXT_CAPS.title),
  description: textOf(TEXT_CAPS.description),
  siteName: textOf(TEXT_CAPS.siteName),
  lang,
  author,
  publishedAt: date,
  modifiedAt: date,
  themeColor,
  images,
  videos,
  icons,
  oembedLinks,
  manifestUrl: url,
};

/** Fields the head must already answer for the body to be skipped. */
const HEAD_FIELDS: readonly MetadataField[] = [
  'title',
  'description',
  'siteName',
  'lang',
  'author',
  'publishedAt',
  'type',
  'images',
];

function matchField<K extends MetadataField>(
  field: K,
  rules: FieldRules,
  page: PageContext,
): Match<NonNullable<Metadata[K]>> | undefined {
  const normalize = NORMALIZERS[field] as Normalizer<unknown, NonNullable<Metadata[K]>>;
  return firstMatch(rules[field] as readonly Rule<unknown>[], page, normalize);
}

/**
 * Reads a page's preview metadata from its HTML: one streaming htmlparser2 pass, head first; the body is read only
 * when the head leaves a field unanswered. The pass is bounded (see {@link ScanBudget}) and every field is capped
 * (see `limits.ts`). Per-host rules come from a rules pack; the engine itself names no site. Pure: no I/O, safe to
 * run in a worker thread.
 *
 * @param html the decoded document
 * @param pageUrl the address the document was fetched from (relative references resolve against it)
 */
export function extract(html: string, pageUrl: string, options: ExtractOptions = {}): Metadata {
  const resolved = rulesFor(options.rulesPack ?? HOST_RULES, GENERIC_RULES, hostnameOf(pageUrl));
  const scan = scanPage(html, pageUrl, (head) => headNeedsBody(head, resolved), options.budget);
  return buildMetadata(scan, resolved.fields);
}

function hostnameOf(pageUrl: string): string | undefined {
  try {
    return new URL(pageUrl).hostname;
  } catch {
    return undefined;
  }
}

function headNeedsBody(scan: PageScan, resolved: ResolvedRules): boolean {
  const page = new PageContext(scan);
  return (
    resolved.needsBody.some((needs) => needs(page)) ||
    HEAD_FIELDS.some((field) => matchField(field, resolved.fields, page) === undefined)
  );
}

function buildMetadata(scan: PageScan, rules: FieldRules): Metadata {
  const page = new PageContext(scan);
  const sources: Metadata['sources'] = {};
  const matches: Partial<Record<MetadataField, Match<unknown>>> = {};
  const pick = <K extends MetadataField>(field: K): Metadata[K] | undefined => {
    const match = matchField(field, rules, page);
    if (match === undefined) return undefined;
    sources[field] = match.source;
    matches[field] = match;
    return match.value;
  };

  const type = pick('type');
  const siteName = pick('siteName');
  // A guessed site name (read from the title itself) would strip every title that has a separator.
  const declaredSite = matches.siteName?.guessed === true ? undefined : siteName;
  const title = pick('title');
  const metadata: Metadata = {
    canonicalUrl: pick('canonicalUrl'),
    type: type ?? 'website',
    title: title === undefined ? undefined : withoutBrand(title, declaredSite, sources.title, page),
    description: pick('description'),
    siteName,
    lang: pick('lang'),
    author: pick('author'),
    publishedAt: pick('publishedAt'),
    modifiedAt: pick('modifiedAt'),
    themeColor: pick('themeColor'),
    images: pick('images'),
    videos: pick('videos'),
    icons: pick('icons'),
    oembedLinks: pick('oembedLinks'),
    manifestUrl: pick('manifestUrl'),
    sources,
  };
  if (type === undefined) sources.type = 'default';
  if (!scan.bodyScanned) metadata.truncatedScan = true;
  if (scan.budget !== undefined) metadata.budget = scan.budget;
  return dropUndefined(metadata);
}

/** The declared titles: a leading segment that one of them (other than the title's own source) keeps is no brand. */
const DECLARED_TITLES = ['og:title', 'twitter:title'];

/**
 * The title without a leading `Site | ` segment, unless the page declares the title whole elsewhere: when
 * `og:title` and `twitter:title` both carry the segment, it is part of the title.
 */
function withoutBrand(title: string, site: string | undefined, source: string | undefined, page: PageContext): string {
  const stripped = stripLeadingSiteName(title, site);
  if (stripped === title) return title;
  const segment = collapseWhitespace(title.slice(0, title.length - stripped.length)).toLowerCase();
  const others = DECLARED_TITLES.filter((key) => key !== source).flatMap((key) => page.meta(key).slice(0, 1));
  const kept = others.some((other) => collapseWhitespace(decodeEntities(other)).toLowerCase().startsWith(segment));
  return kept ? title : stripped;
}

function dropUndefined(metadata: Metadata): Metadata {
  for (const key of Object.keys(metadata) as (keyof Metadata)[]) {
    if (metadata[key] === undefined) delete metadata[key];
  }
  return metadata;
}
