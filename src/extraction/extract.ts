import type { IconInfo, ImageInfo, Metadata, MetadataField, OembedLink, VideoInfo } from './metadata.js';
import { normalizeAuthor } from './normalize/author.js';
import { normalizeDate } from './normalize/dates.js';
import { normalizeLang } from './normalize/lang.js';
import { cleanText, decodeEntities } from './normalize/text.js';
import { stripLeadingSiteName } from './normalize/title.js';
import { isHttpUrl, resolveHttpUrl } from './normalize/urls.js';
import { scanPage, type PageScan } from './page-scan.js';
import {
  authorRules,
  canonicalUrlRules,
  descriptionRules,
  iconRules,
  imageRules,
  langRules,
  modifiedAtRules,
  oembedLinkRules,
  publishedAtRules,
  siteNameRules,
  themeColorRules,
  titleRules,
  typeRules,
  videoRules,
} from './rules/field.rules.js';
import { titleSegment } from './rules/html.rules.js';
import { xNeedsBody } from './rules/platform.rules.js';
import { firstMatch, PageContext, type Match, type Rule } from './rules/rule.js';

export type { IconInfo, ImageInfo, Metadata, OembedLink, PageType, VideoInfo } from './metadata.js';

const NON_IMAGE_EXTENSION = /\.(?:mp4|m4v|mov|webm|ogv|avi|mp3|m4a|wav|ogg|flac|pdf)(?:[?#]|$)/i;

type Normalizer<T, V> = (raw: T, page: PageContext) => V | undefined;

function plainText(raw: string): string | undefined {
  const value = cleanText(raw);
  return value === undefined || isHttpUrl(value) ? undefined : value;
}
const text: Normalizer<string, string> = plainText;
const url: Normalizer<string, string> = (raw, page) => resolveHttpUrl(decodeEntities(raw), page.base);
const date: Normalizer<string, string> = (raw) => normalizeDate(cleanText(raw));
const lang: Normalizer<string, string> = (raw) => normalizeLang(cleanText(raw));
const themeColor: Normalizer<string, string> = (raw) => {
  const value = cleanText(raw);
  return value !== undefined && value.length <= 64 ? value : undefined;
};

/** Keeps http(s) media, made absolute, first occurrence of each URL only. */
function mediaList<T extends { url: string; alt?: string }>(skipNonImages: boolean): Normalizer<T[], T[]> {
  return (raw, page) => {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const item of raw) {
      const absolute = resolveHttpUrl(decodeEntities(item.url), page.base);
      if (absolute === undefined || seen.has(absolute)) continue;
      if (skipNonImages && NON_IMAGE_EXTENSION.test(absolute)) continue;
      seen.add(absolute);
      const copy: T = { ...item, url: absolute };
      const alt = cleanText(item.alt);
      if (alt === undefined) delete copy.alt;
      else copy.alt = alt;
      out.push(copy);
    }
    return out.length > 0 ? out : undefined;
  };
}

/** Fields the head must already answer for the body to be skipped. */
const HEAD_FIELDS: readonly ((page: PageContext) => Match<unknown> | undefined)[] = [
  (page) => firstMatch(titleRules, page, text),
  (page) => firstMatch(descriptionRules, page, text),
  (page) => firstMatch(siteNameRules, page, text),
  (page) => firstMatch(langRules, page, lang),
  (page) => firstMatch(authorRules, page, normalizeAuthor),
  (page) => firstMatch(publishedAtRules, page, date),
  (page) => firstMatch(typeRules, page, (raw) => raw),
  (page) => firstMatch(imageRules, page, mediaList<ImageInfo>(true)),
];

/**
 * Reads a page's preview metadata from its HTML: one streaming htmlparser2 pass, head first; the body
 * is read only when the head leaves a field unanswered. Pure: no I/O, safe to run in a worker thread.
 *
 * @param html the decoded document
 * @param url the address the document was fetched from (relative references resolve against it)
 */
export function extract(html: string, url: string): Metadata {
  const scan = scanPage(html, url, headNeedsBody);
  return buildMetadata(scan);
}

function headNeedsBody(scan: PageScan): boolean {
  const page = new PageContext(scan);
  return xNeedsBody(page) || HEAD_FIELDS.some((field) => field(page) === undefined);
}

function buildMetadata(scan: PageScan): Metadata {
  const page = new PageContext(scan);
  const sources: Metadata['sources'] = {};
  const pick = <T, V>(field: MetadataField, rules: readonly Rule<T>[], normalize: Normalizer<T, V>): V | undefined => {
    const match: Match<V> | undefined = firstMatch(rules, page, normalize);
    if (match === undefined) return undefined;
    sources[field] = match.source;
    return match.value;
  };

  const type = pick('type', typeRules, (raw) => raw);
  const siteName = pick('siteName', siteNameRules, text);
  // A site name read from the title itself would strip every title that has a separator.
  const declaredSite = sources.siteName === titleSegment.name ? undefined : siteName;
  const metadata: Metadata = {
    canonicalUrl: pick('canonicalUrl', canonicalUrlRules, url),
    type: type ?? 'website',
    title: pick('title', titleRules, (raw) => mapDefined(plainText(raw), (t) => stripLeadingSiteName(t, declaredSite))),
    description: pick('description', descriptionRules, text),
    siteName,
    lang: pick('lang', langRules, lang),
    author: pick('author', authorRules, normalizeAuthor),
    publishedAt: pick('publishedAt', publishedAtRules, date),
    modifiedAt: pick('modifiedAt', modifiedAtRules, date),
    themeColor: pick('themeColor', themeColorRules, themeColor),
    images: pick('images', imageRules, mediaList<ImageInfo>(true)),
    videos: pick('videos', videoRules, mediaList<VideoInfo>(false)),
    icons: pick('icons', iconRules, mediaList<IconInfo>(false)),
    oembedLinks: pick('oembedLinks', oembedLinkRules, mediaList<OembedLink>(false)),
    sources,
  };
  if (type === undefined) sources.type = 'default';
  if (!scan.bodyScanned) metadata.truncatedScan = true;
  return dropUndefined(metadata);
}

function mapDefined<T, V>(value: T | undefined, map: (value: T) => V): V | undefined {
  return value === undefined ? undefined : map(value);
}

function dropUndefined(metadata: Metadata): Metadata {
  for (const key of Object.keys(metadata) as (keyof Metadata)[]) {
    if (metadata[key] === undefined) delete metadata[key];
  }
  return metadata;
}
