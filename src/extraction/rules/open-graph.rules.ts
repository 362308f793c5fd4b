import type { ImageInfo, VideoInfo } from '../metadata.js';
import { cleanText, toDimension } from '../normalize/text.js';
import type { MetaTag } from '../page-scan.js';
import { rule, type PageContext, type Rule } from './rule.js';

interface Media {
  url: string;
  width?: number;
  height?: number;
  alt?: string;
  type?: string;
  /** Set once an explicit `:url` was seen, so a second one starts a new entry. */
  hasUrl?: boolean;
  /** Set when the entry was started by `:secure_url` alone, so the root tag that follows joins it. */
  secureOnly?: boolean;
}

/**
 * Groups structured Open Graph properties (`og:image`, `og:image:url`, `og:image:secure_url`,
 * `og:image:width`...) into entries: each property belongs to the closest preceding root tag,
 * as the Open Graph protocol specifies for arrays. A `:secure_url` with no root tag before it (pages that
 * declare only the https address) starts an entry of its own.
 */
export function groupOpenGraph(metas: readonly MetaTag[], root: 'og:image' | 'og:video'): Media[] {
  const items: Media[] = [];
  let current: Media | undefined;
  for (const { key, value } of metas) {
    if (key !== root && !key.startsWith(`${root}:`)) continue;
    const prop = key.slice(root.length + 1);
    const text = value.trim();
    if (prop === '' || prop === 'url') {
      if (text === '' || (current !== undefined && joinsCurrent(current, prop, text))) continue;
      current = { url: text, hasUrl: prop === 'url' };
      items.push(current);
    } else if (prop === 'secure_url' && current === undefined && isHttps(text)) {
      current = { url: text, secureOnly: true };
      items.push(current);
    } else if (current) {
      attach(current, prop, text);
    }
  }
  return items.map(({ hasUrl: _hasUrl, secureOnly: _secureOnly, ...media }) => media);
}

/**
 * Whether a root tag (`og:image`) or `:url` describes the current entry rather than starting a new one: the first
 * `:url` after a root tag, and the root tag after an entry that `:secure_url` alone started.
 */
function joinsCurrent(current: Media, prop: string, text: string): boolean {
  if (current.secureOnly) {
    if (!isHttps(current.url)) current.url = text;
    current.secureOnly = false;
    current.hasUrl = true;
    return true;
  }
  if (prop === 'url' && !current.hasUrl) {
    current.hasUrl = true;
    return true;
  }
  return false;
}

function isHttps(url: string): boolean {
  return /^https:\/\//i.test(url);
}

function attach(media: Media, prop: string, text: string): void {
  switch (prop) {
    case 'secure_url':
      if (isHttps(text) && !isHttps(media.url)) media.url = text;
      break;
    case 'width':
      media.width ??= toDimension(text);
      break;
    case 'height':
      media.height ??= toDimension(text);
      break;
    case 'alt':
      media.alt ??= cleanText(text);
      break;
    case 'type':
      media.type ??= cleanText(text)?.toLowerCase();
      break;
    default:
      break;
  }
}

/**
 * `og:url`, unless it names the site's home page while the page is deeper: sites that set one `og:url` on every
 * page. Such a value is left to `link[rel=canonical]`, and to the last resort ({@link ogUrlAnyway}).
 */
export const ogUrl: Rule<string> = rule('og:url', (page) => {
  const value = page.meta('og:url').find((v) => v.trim() !== '');
  return value !== undefined && namesHomeOfDeeperPage(value, page) ? undefined : value;
});

/** `og:url` whatever it names: better than nothing when no other rule names the page. */
export const ogUrlAnyway: Rule<string> = rule('og:url', (page) => page.meta('og:url').find((v) => v.trim() !== ''));

function namesHomeOfDeeperPage(value: string, page: PageContext): boolean {
  const pageUrl = page.url();
  let declared: URL;
  try {
    declared = new URL(value.trim(), page.base);
  } catch {
    return false;
  }
  const isHome = (url: URL): boolean => (url.pathname === '/' || url.pathname === '') && url.search === '';
  return pageUrl !== undefined && isHome(declared) && !isHome(pageUrl);
}

/** `og:image` entries with their width, height, alt and type. */
export const ogImages: Rule<ImageInfo[]> = rule('og:image', (page) => groupOpenGraph(page.scan.metas, 'og:image'));

/** `og:video` entries with their width, height and type. */
export const ogVideos: Rule<VideoInfo[]> = rule('og:video', (page) =>
  groupOpenGraph(page.scan.metas, 'og:video').map(({ alt: _alt, ...video }) => video),
);
