import type { IconInfo, ImageInfo, MetadataField, OembedLink, PageType, VideoInfo } from '../metadata.js';
import { normalizeOgType } from '../normalize/page-type.js';
import { faviconFallback, iconLinks } from './icon.rules.js';
import {
  bodyImages,
  bylineText,
  dateText,
  defaultAlternate,
  htmlLang,
  link,
  relAuthor,
  text,
  timeElement,
  titleSegment,
} from './html.rules.js';
import {
  jsonLd,
  jsonLdAuthor,
  jsonLdImages,
  jsonLdProfileDescription,
  jsonLdProfileImages,
  jsonLdProfileName,
  jsonLdType,
  jsonLdVideos,
} from './json-ld.rules.js';
import { hasMetaPrefix, meta } from './meta.rules.js';
import { itemprop, microdataType } from './microdata.rules.js';
import { oembedDiscovery } from './oembed-discovery.rules.js';
import { ogImages, ogUrl, ogUrlAnyway, ogVideos } from './open-graph.rules.js';
import { rule, type Rule } from './rule.js';
import { twitterImages, twitterPlayer, twitterSite } from './twitter.rules.js';

/*
 * One ordered list per field: the first rule whose value survives normalisation wins.
 * Order: Open Graph, Twitter cards, JSON-LD, microdata, Dublin Core / citation_*, then plain HTML. Rules for
 * particular hosts are not here: they come from a rules pack (see ../rules-pack.ts), tried before these.
 */

export const titleRules: Rule<string>[] = [
  meta('og:title'),
  meta('twitter:title'),
  jsonLd('headline'),
  meta('dc.title'),
  meta('dcterms.title'),
  meta('citation_title'),
  text('title'),
  meta('title'),
  itemprop('headline'),
  jsonLd('name'),
  text('h1'),
];

export const descriptionRules: Rule<string>[] = [
  meta('og:description'),
  meta('twitter:description'),
  meta('description'),
  jsonLd('description'),
  jsonLdProfileDescription,
  itemprop('description'),
  meta('dc.description'),
  meta('dcterms.description'),
  meta('dcterms.abstract'),
  meta('citation_abstract'),
  text('paragraph'),
];

export const siteNameRules: Rule<string>[] = [
  jsonLd('publisher.name'),
  meta('og:site_name'),
  meta('application-name'),
  meta('apple-mobile-web-app-title'),
  itemprop('publisher.name'),
  meta('dc.publisher'),
  meta('dcterms.publisher'),
  meta('citation_journal_title'),
  meta('citation_publisher'),
  twitterSite,
  titleSegment,
];

export const langRules: Rule<string>[] = [
  meta('og:locale'),
  htmlLang,
  jsonLd('inLanguage'),
  itemprop('inLanguage'),
  meta('content-language'),
  meta('dc.language'),
  meta('dcterms.language'),
  meta('citation_language'),
  meta('language'),
];

export const authorRules: Rule<string>[] = [
  jsonLdAuthor,
  jsonLdProfileName,
  meta('author'),
  meta('article:author'),
  itemprop('author.name'),
  itemprop('author'),
  meta('dc.creator'),
  meta('dcterms.creator'),
  meta('citation_author'),
  meta('parsely-author'),
  meta('sailthru.author'),
  relAuthor,
  bylineText,
];

export const publishedAtRules: Rule<string>[] = [
  meta('article:published_time'),
  jsonLd('datePublished'),
  itemprop('datePublished'),
  jsonLd('dateCreated'),
  meta('og:published_time'),
  meta('datePublished'),
  meta('date'),
  meta('pubdate'),
  meta('publishdate'),
  meta('publish-date'),
  meta('publication_date'),
  meta('parsely-pub-date'),
  meta('sailthru.date'),
  meta('dc.date'),
  meta('dc.date.issued'),
  meta('dcterms.issued'),
  meta('dcterms.created'),
  meta('dcterms.date'),
  meta('citation_publication_date'),
  meta('citation_date'),
  meta('citation_online_date'),
  timeElement,
  dateText,
];

export const modifiedAtRules: Rule<string>[] = [
  meta('article:modified_time'),
  meta('og:updated_time'),
  jsonLd('dateModified'),
  itemprop('dateModified'),
  meta('dcterms.modified'),
  meta('last-modified'),
];

export const canonicalUrlRules: Rule<string>[] = [
  ogUrl,
  link('canonical'),
  meta('twitter:url'),
  defaultAlternate,
  ogUrlAnyway,
];

export const themeColorRules: Rule<string>[] = [meta('theme-color'), meta('msapplication-tilecolor')];

export const typeRules: Rule<PageType>[] = [
  rule('og:type', (page) => normalizeOgType(page.meta('og:type')[0])),
  jsonLdType,
  microdataType,
  rule('citation_*', (page) => (hasMetaPrefix('citation_').read(page) ? 'article' : undefined)),
];

export const imageRules: Rule<ImageInfo[]>[] = [
  ogImages,
  twitterImages,
  jsonLdImages,
  jsonLdProfileImages,
  rule('itemprop:image', (page) => page.itemProp('image').map((url) => ({ url }))),
  rule('link[rel=image_src]', (page) => {
    const href = link('image_src').read(page);
    return href === undefined ? undefined : [{ url: href }];
  }),
  rule('meta:thumbnail', (page) => {
    const url = meta('thumbnail').read(page);
    return url === undefined ? undefined : [{ url }];
  }),
  bodyImages(true),
  bodyImages(false),
];

export const videoRules: Rule<VideoInfo[]>[] = [ogVideos, twitterPlayer, jsonLdVideos];

export const iconRules: Rule<IconInfo[]>[] = [iconLinks, faviconFallback];

export const oembedLinkRules: Rule<OembedLink[]>[] = [oembedDiscovery];

export const manifestRules: Rule<string>[] = [link('manifest')];

/** The rules of every metadata field: a rules pack may add to any of them. */
export interface FieldRules extends Record<MetadataField, readonly Rule<unknown>[]> {
  canonicalUrl: Rule<string>[];
  type: Rule<PageType>[];
  title: Rule<string>[];
  description: Rule<string>[];
  siteName: Rule<string>[];
  lang: Rule<string>[];
  author: Rule<string>[];
  publishedAt: Rule<string>[];
  modifiedAt: Rule<string>[];
  themeColor: Rule<string>[];
  images: Rule<ImageInfo[]>[];
  videos: Rule<VideoInfo[]>[];
  icons: Rule<IconInfo[]>[];
  oembedLinks: Rule<OembedLink[]>[];
  manifestUrl: Rule<string>[];
}

/** The rules that apply on every page, whatever its host. */
export const GENERIC_RULES: Readonly<FieldRules> = {
  canonicalUrl: canonicalUrlRules,
  type: typeRules,
  title: titleRules,
  description: descriptionRules,
  siteName: siteNameRules,
  lang: langRules,
  author: authorRules,
  publishedAt: publishedAtRules,
  modifiedAt: modifiedAtRules,
  themeColor: themeColorRules,
  images: imageRules,
  videos: videoRules,
  icons: iconRules,
  oembedLinks: oembedLinkRules,
  manifestUrl: manifestRules,
};
