import type { IconInfo, ImageInfo, OembedLink, PageType, VideoInfo } from '../metadata.js';
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
import { ogImages, ogVideos } from './open-graph.rules.js';
import { xAuthor, xMedia, xPostText, xSiteName, xTitle, youtubeThumbnail } from './platform.rules.js';
import { rule, type Rule } from './rule.js';
import { twitterImages, twitterPlayer, twitterSite } from './twitter.rules.js';

/*
 * One ordered list per field: the first rule whose value survives normalisation wins.
 * Order: the few platform rules (they answer only on their own hosts), Open Graph, Twitter cards, JSON-LD,
 * microdata, Dublin Core / citation_*, then plain HTML.
 */

export const titleRules: Rule<string>[] = [
  xTitle,
  meta('og:title'),
  meta('twitter:title'),
  jsonLd('headline'),
  meta('dc.title'),
  meta('dcterms.title'),
  meta('citation_title'),
  text('title'),
  itemprop('headline'),
  jsonLd('name'),
  text('h1'),
];

export const descriptionRules: Rule<string>[] = [
  xPostText,
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
  xSiteName,
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
];

export const authorRules: Rule<string>[] = [
  xAuthor,
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
  meta('og:url'),
  link('canonical'),
  meta('twitter:url'),
  defaultAlternate,
];

export const themeColorRules: Rule<string>[] = [meta('theme-color'), meta('msapplication-tilecolor')];

export const typeRules: Rule<PageType>[] = [
  rule('og:type', (page) => normalizeOgType(page.meta('og:type')[0])),
  jsonLdType,
  microdataType,
  rule('citation_*', (page) => (hasMetaPrefix('citation_').read(page) ? 'article' : undefined)),
];

export const imageRules: Rule<ImageInfo[]>[] = [
  youtubeThumbnail,
  xMedia,
  ogImages,
  twitterImages,
  jsonLdImages,
  jsonLdProfileImages,
  rule('itemprop:image', (page) => page.itemProp('image').map((url) => ({ url }))),
  rule('link[rel=image_src]', (page) => {
    const href = link('image_src').read(page);
    return href === undefined ? undefined : [{ url: href }];
  }),
  bodyImages(true),
  bodyImages(false),
];

export const videoRules: Rule<VideoInfo[]>[] = [ogVideos, twitterPlayer, jsonLdVideos];

export const iconRules: Rule<IconInfo[]>[] = [iconLinks, faviconFallback];

export const oembedLinkRules: Rule<OembedLink[]>[] = [oembedDiscovery];
