import type { ImageInfo, VideoInfo } from '../metadata.js';
import { cleanText, toDimension } from '../normalize/text.js';
import type { MetaTag } from '../page-scan.js';
import { rule, type Rule } from './rule.js';

interface Media {
  url: string;
  width?: number;
  height?: number;
  alt?: string;
  type?: string;
  /** Set once an explicit `:url` was seen, so a second one starts a new entry. */
  hasUrl?: boolean;
}

/**
 * Groups structured Open Graph properties (`og:image`, `og:image:url`, `og:image:secure_url`,
 * `og:image:width`...) into entries: each property belongs to the closest preceding root tag,
 * as the Open Graph protocol specifies for arrays.
 */
export function groupOpenGraph(metas: readonly MetaTag[], root: 'og:image' | 'og:video'): Media[] {
  const items: Media[] = [];
  let current: Media | undefined;
  for (const { key, value } of metas) {
    if (key !== root && !key.startsWith(`${root}:`)) continue;
    const prop = key.slice(root.length + 1);
    const text = value.trim();
    if (prop === '' || prop === 'url') {
      if (text === '') continue;
      if (current && prop === 'url' && !current.hasUrl) {
        current.hasUrl = true;
        continue;
      }
      current = { url: text, hasUrl: prop === 'url' };
      items.push(current);
    } else if (current) {
      attach(current, prop, text);
    }
  }
  return items.map(({ hasUrl: _hasUrl, ...media }) => media);
}

function attach(media: Media, prop: string, text: string): void {
  switch (prop) {
    case 'secure_url':
      if (/^https:\/\//i.test(text) && !/^https:\/\//i.test(media.url)) media.url = text;
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

/** `og:image` entries with their width, height, alt and type. */
export const ogImages: Rule<ImageInfo[]> = rule('og:image', (page) => groupOpenGraph(page.scan.metas, 'og:image'));

/** `og:video` entries with their width, height and type. */
export const ogVideos: Rule<VideoInfo[]> = rule('og:video', (page) =>
  groupOpenGraph(page.scan.metas, 'og:video').map(({ alt: _alt, ...video }) => video),
);
